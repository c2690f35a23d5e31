"""/api/v1/cases/ and /api/v1/case-events/.

Cases are read with case.view: a principal sees the header of their school's cases (type, status,
owner, dates) and nothing of the work. Those who work the case also get the closure reason, outcome and
co-workers; the timeline is its own endpoint under case.work. POST /cases/{id}/status/ changes the
status through the same services (and rules) as the case page."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.core import policy
from casework.core.api import AccessLoggedMixin, ModelSerializer, ScopedReadOnlyViewSet, int_param
from casework.core.errors import ConflictError

from . import services
from .choices import CaseStatus
from .models import Case, CaseEvent
from .selectors import case_for


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


class CaseSerializer(ModelSerializer):
    """The header: what a principal may see."""

    number = serializers.CharField(read_only=True)
    owner = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "student", "case_type", "status", "owner", "opened_on", "closed_on", "version"]

    def get_owner(self, obj) -> str:
        return _person(obj.owner)


class CaseWorkSerializer(CaseSerializer):
    """For those who work the case."""

    co_workers = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "closure_reason", "outcome", "co_workers"]

    def get_co_workers(self, obj) -> list[str]:
        return [_person(w.user) for w in obj.workers.all()]


class StatusChangeSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CaseStatus.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(help_text="The case version you read; a newer one answers 409")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values),
    OpenApiParameter("student", OpenApiTypes.INT, description="Internal student id"),
]))
class CaseViewSet(AccessLoggedMixin, ScopedReadOnlyViewSet):
    """Cases in your scope. Principals read the header (type, status, owner, dates); the people who
    work cases also read the closure reason, outcome and co-workers."""

    model = Case
    lookup_value_regex = "[0-9]+"
    policy_action = "case.view"
    access_student_path = "student_id"
    queryset = Case.objects.none()  # for the schema; rows come from for_user()

    def get_serializer_class(self):
        if policy.has_action(self.request.user, "case.work"):
            return CaseWorkSerializer
        return CaseSerializer

    def get_queryset(self):
        qs = (super().get_queryset().select_related("owner").prefetch_related("workers__user")
              .order_by("-opened_on", "-id"))
        params = self.request.query_params
        if params.get("status"):
            if params["status"] not in CaseStatus.values:
                raise exceptions.ValidationError({"status": f"Unknown status; one of {', '.join(CaseStatus.values)}."})
            qs = qs.filter(status=params["status"])
        student = int_param(self.request, "student", label="internal student id")
        if student is not None:
            qs = qs.filter(student_id=student)
        return qs

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = page if page is not None else list(self.get_queryset())
        workable = self._workable({c.pk for c in rows})
        data = [self._data(c, workable) for c in rows]
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()  # the mixin logs the read
        return Response(self._data(case, self._workable({case.pk})))

    def _workable(self, ids: set[int]) -> set[int]:
        """The cases the caller works (not just sees): only they get closure details and co-workers."""
        if not ids or not policy.has_action(self.request.user, "case.work"):
            return set()
        return set(Case.objects.for_user(self.request.user, "case.work").filter(pk__in=ids)
                   .values_list("pk", flat=True))

    def _data(self, case: Case, workable: set[int]) -> dict:
        serializer = CaseWorkSerializer if case.pk in workable else CaseSerializer
        return serializer(case, context=self.get_serializer_context()).data

    @extend_schema(request=StatusChangeSerializer, responses=CaseWorkSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def status(self, request, pk=None):
        """Change the status (case.work): close (or submit for approval), hold, activate, reopen."""
        from django.http import Http404

        try:
            case = case_for(request.user, int(pk), "case.work")
        except Http404:
            raise exceptions.NotFound() from None
        body = StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        to, reason, outcome, version = (body.validated_data[k] for k in ("to", "reason", "outcome", "version"))
        try:
            if to == CaseStatus.CLOSED:
                case, _ = services.case_request_close(actor=request.user, case=case, closure_reason=reason,
                                                      outcome=outcome, expected_version=version)
            elif to == CaseStatus.REOPENED:
                case = services.case_reopen(actor=request.user, case=case, reason=reason, expected_version=version)
            else:
                case = services.case_set_status(actor=request.user, case=case, status=to, reason=reason,
                                                expected_version=version)
        except ConflictError as exc:
            return Response({"detail": str(exc)}, status=409)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}) from None
        return Response(CaseWorkSerializer(case, context=self.get_serializer_context()).data)


class CaseEventSerializer(ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    actor = serializers.SerializerMethodField()
    # The row's id: the same plain integer as every other id in the API (the column is 64-bit).
    source_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "case", "case_number", "kind", "occurred_at", "summary", "actor", "source_model", "source_id"]

    def get_actor(self, obj) -> str:
        return _person(obj.actor)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("case", OpenApiTypes.INT, description="Case id: that case's timeline, oldest first"),
    OpenApiParameter("kind", OpenApiTypes.STR, description="Only entries of this kind"),
]))
class CaseEventViewSet(AccessLoggedMixin, ScopedReadOnlyViewSet):
    """Case timeline entries (case.work): never for a principal or a teacher."""

    model = CaseEvent
    lookup_value_regex = "[0-9]+"
    policy_action = "case.work"
    serializer_class = CaseEventSerializer
    queryset = CaseEvent.objects.none()  # for the schema; rows come from for_user()

    def get_queryset(self):
        qs = super().get_queryset().select_related("case", "actor").order_by("case_id", "occurred_at", "id")
        params = self.request.query_params
        case = int_param(self.request, "case")
        if case is not None:
            qs = qs.filter(case_id=case)
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        return qs


ROUTES = [
    ("cases", CaseViewSet, "case"),
    ("case-events", CaseEventViewSet, "case-event"),
]
