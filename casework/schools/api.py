from casework.core.api import ModelSerializer, ScopedReadOnlyViewSet

from .models import School


class SchoolSerializer(ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "code", "name", "level", "street", "city", "state", "postal_code", "phone", "active"]


class SchoolViewSet(ScopedReadOnlyViewSet):
    """The district's schools, looked up by their SIS code. Directory facts, readable by every role."""

    model = School
    policy_action = "school.view"
    serializer_class = SchoolSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"
    queryset = School.objects.none()  # for the schema; rows come from for_user()
