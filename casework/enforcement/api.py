"""Ladder steps of cases over the API (read-only; case.work through the policy, reads access-logged)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from casework.core.api import AccessLoggedMixin, ModelSerializer, ScopedReadOnlyViewSet, int_param

from .choices import EventStatus
from .models import LadderEvent


class LadderEventSerializer(ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    step_key = serializers.CharField(source="step.key", read_only=True)
    step_name = serializers.CharField(source="step.name", read_only=True)
    # The evidence row's id: a plain integer like every other id in the API (the column is 64-bit).
    source_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = LadderEvent
        fields = ["id", "case", "case_number", "step", "step_key", "step_name", "status", "reached_on", "due_on",
                  "done_on", "recorded_by", "outcome", "reason", "task", "source_model", "source_id", "version"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("case", OpenApiTypes.INT, description="Only this case's ladder"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=EventStatus.values),
]))
class LadderEventViewSet(AccessLoggedMixin, ScopedReadOnlyViewSet):
    """Escalation-ladder steps on the cases you work."""

    model = LadderEvent
    policy_action = "case.work"
    serializer_class = LadderEventSerializer
    lookup_value_regex = "[0-9]+"
    queryset = LadderEvent.objects.none()  # for the schema; rows come from for_user()

    def get_queryset(self):
        qs = super().get_queryset().select_related("case", "step")
        if self.action != "list":
            return qs
        case = int_param(self.request, "case")
        if case is not None:
            qs = qs.filter(case=case)
        state = self.request.query_params.get("status", "").strip()
        if state:
            if state not in EventStatus.values:
                raise ValidationError({"status": f"One of {', '.join(EventStatus.values)}."})
            qs = qs.filter(status=state)
        return qs.order_by("case_id", "reached_on", "step__order", "id")


ROUTES = [("ladder-steps", LadderEventViewSet, "ladder-step")]
