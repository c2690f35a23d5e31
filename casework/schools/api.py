from rest_framework import serializers

from casework.core.api import ScopedReadOnlyViewSet

from .models import School


class SchoolSerializer(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "code", "name", "level", "street", "city", "state", "postal_code", "phone", "active"]


class SchoolViewSet(ScopedReadOnlyViewSet):
    model = School
    policy_action = "school.view"
    serializer_class = SchoolSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"
    queryset = School.objects.none()  # for the schema; rows come from for_user()
