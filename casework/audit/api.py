import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from casework.core.api import ModelSerializer, ScopedReadOnlyViewSet

from .models import AccessLog


class AccessLogSerializer(ModelSerializer):
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = AccessLog
        fields = ["id", "time", "actor", "source", "request_id", "student", "action", "purpose", "detail"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("student", OpenApiTypes.INT, description="Internal student id"),
    OpenApiParameter("actor", OpenApiTypes.STR, description="Username of the person who opened records"),
]))
class AccessLogViewSet(ScopedReadOnlyViewSet):
    """Who opened or exported which student's record, when, and why. Director and auditors only."""

    model = AccessLog
    lookup_value_regex = "[0-9]+"  # ASCII digits only: "１" must not be a second address of record 1
    policy_action = "audit.access.view"
    serializer_class = AccessLogSerializer
    queryset = AccessLog.objects.none()  # for the schema; rows come from for_user()

    def get_queryset(self):
        qs = super().get_queryset()
        student = self.request.query_params.get("student")
        if student not in (None, ""):
            if not re.fullmatch(r"[0-9]{1,18}", student):
                raise ValidationError({"student": "Give the internal student id, a whole number."})
            qs = qs.filter(student_id=int(student))
        actor = self.request.query_params.get("actor")
        if actor:
            qs = qs.filter(actor_label=actor)
        return qs
