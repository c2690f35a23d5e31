"""Plans over the API: list and read (case.work, through the policy) with goals, interventions,
progress points and revisions. Writes stay on the pages for now."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from casework.core.api import AccessLoggedMixin, ModelSerializer, ScopedReadOnlyViewSet, int_param

from .choices import PlanStatus, Tier
from .models import Goal, Plan, PlanIntervention, PlanRevision, ProgressPoint
from .progress import goal_progress


class ProgressPointSerializer(ModelSerializer):
    class Meta:
        model = ProgressPoint
        fields = ["id", "week_of", "value", "source", "note"]


class GoalSerializer(ModelSerializer):
    text = serializers.CharField(read_only=True, help_text="The goal in words, generated from its fields")
    met = serializers.SerializerMethodField(help_text="Held for `weeks` consecutive school weeks")
    streak = serializers.SerializerMethodField(help_text="Consecutive weeks met up to the latest week")
    points = ProgressPointSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "text", "metric", "other_metric", "comparator", "target", "weeks", "dropped_in", "met",
                  "streak", "points"]

    def _progress(self, goal):
        cache = self.context.setdefault("_progress", {})
        if goal.pk not in cache:
            cache[goal.pk] = goal_progress(goal)
        return cache[goal.pk]

    def get_met(self, goal) -> bool:
        return self._progress(goal).met

    def get_streak(self, goal) -> int:
        return self._progress(goal).streak


class PlanInterventionSerializer(ModelSerializer):
    name = serializers.CharField(source="intervention.name", read_only=True)
    # Declared: drf-spectacular would take the small integer's bounds from the connection (SQLite's differ).
    tier = serializers.ChoiceField(choices=Tier.choices, read_only=True)

    class Meta:
        model = PlanIntervention
        fields = ["id", "intervention", "name", "tier", "frequency", "responsible", "start_on", "end_on",
                  "family_response", "family_response_on", "family_response_note"]


class PlanRevisionSerializer(ModelSerializer):
    class Meta:
        model = PlanRevision
        fields = ["number", "reason", "changes", "revised_on", "revised_at", "revised_by", "snapshot"]


class PlanSerializer(ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    goals = GoalSerializer(many=True, read_only=True)
    interventions = PlanInterventionSerializer(many=True, read_only=True)
    revisions = PlanRevisionSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "case", "case_number", "title", "owner", "start_on", "review_on", "status", "revision",
                  "version", "goals", "interventions", "revisions"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("case", OpenApiTypes.INT, description="Only this case's plans"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=PlanStatus.values),
]))
class PlanViewSet(AccessLoggedMixin, ScopedReadOnlyViewSet):
    """Intervention plans on the cases you work."""

    model = Plan
    policy_action = "case.work"
    serializer_class = PlanSerializer
    lookup_value_regex = "[0-9]+"
    queryset = Plan.objects.none()  # for the schema; rows come from for_user()

    def get_queryset(self):
        qs = (super().get_queryset().select_related("case")
              .prefetch_related("goals__points", "interventions__intervention", "revisions"))
        if self.action == "list":
            case = int_param(self.request, "case")
            if case is not None:
                qs = qs.filter(case_id=case)
            status = self.request.query_params.get("status", "").strip()
            if status in PlanStatus.values:
                qs = qs.filter(status=status)
        return qs.order_by("-start_on", "-id")


ROUTES = [("plans", PlanViewSet, "plan")]
