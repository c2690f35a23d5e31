"""/api/v1/hearings/: the hearings of the cases a user works (read-only)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from casework.core.api import AccessLoggedMixin, ModelSerializer, ScopedReadOnlyViewSet, int_param

from .models import Hearing


class HearingSerializer(ModelSerializer):
    class Meta:
        model = Hearing
        fields = ["id", "case", "kind", "status", "status_reason", "scheduled_at", "place", "guardians", "staff",
                  "other_participants", "participants_label", "notice_sent_on", "notice_method", "notice_letter_id",
                  "contract_letter_id",
                  "family_attendance", "attended", "outcome", "agreements", "follow_up_on", "meeting_task",
                  "follow_up_task", "version", "created_at", "updated_at"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("case", int, description="Only this case's hearings"),
    OpenApiParameter("status", str, description="scheduled, held, postponed or cancelled")]))
class HearingViewSet(AccessLoggedMixin, ScopedReadOnlyViewSet):
    """Hearings, review-board appearances and court hearings on the cases you work, soonest first."""

    model = Hearing
    policy_action = "case.work"
    serializer_class = HearingSerializer
    queryset = Hearing.objects.none()

    def get_queryset(self):
        rows = super().get_queryset().prefetch_related("guardians", "staff")
        case = int_param(self.request, "case")
        if case is not None:
            rows = rows.filter(case_id=case)
        status = self.request.query_params.get("status")
        if status:
            rows = rows.filter(status=status)
        return rows


ROUTES = [("hearings", HearingViewSet, "hearing")]
