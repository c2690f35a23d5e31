"""Tasks over the API: list and read (case.work, through the policy), and complete one."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from casework.core.api import AccessLoggedMixin, ModelSerializer, ScopedReadOnlyViewSet, int_param
from casework.core.errors import ConflictError

from . import services
from .choices import TaskStatus
from .models import Task


class TaskSerializer(ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "case", "case_number", "kind", "title", "details", "assignee", "due_on", "starts_at",
                  "location", "status", "completed_on", "cancel_reason", "automatic", "version"]


class TaskCompleteSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0, help_text="The version you read (required); refused with 409 if it changed since",
        error_messages={"required": "Give the task's version you read, so nobody's change is overwritten."})
    completed_on = serializers.DateField(required=False, help_text="Defaults to today")


@extend_schema_view(
    list=extend_schema(parameters=[
        OpenApiParameter("case", OpenApiTypes.INT, description="Only this case's tasks"),
        OpenApiParameter("assignee", OpenApiTypes.STR, description='"me", or a user id'),
        OpenApiParameter("status", OpenApiTypes.STR, enum=TaskStatus.values),
    ]),
)
class TaskViewSet(AccessLoggedMixin, ScopedReadOnlyViewSet):
    """Tasks and meetings on the cases you work."""

    model = Task
    policy_action = "case.work"
    serializer_class = TaskSerializer
    lookup_value_regex = "[0-9]+"
    queryset = Task.objects.none()  # for the schema; rows come from for_user()

    def get_queryset(self):
        qs = super().get_queryset().select_related("case")
        if self.action != "list":
            return qs
        params = self.request.query_params
        filters = {}
        case = int_param(self.request, "case")
        if case is not None:
            filters["case"] = case
        if params.get("assignee", "").strip() == "me":
            filters["assignee"] = self.request.user.pk
        else:
            assignee = int_param(self.request, "assignee", label='user id (or "me")')
            if assignee is not None:
                filters["assignee"] = assignee
        state = params.get("status", "").strip()
        if state:
            if state not in TaskStatus.values:
                raise ValidationError({"status": f"One of {', '.join(TaskStatus.values)}."})
            filters["status"] = state
        return qs.filter(**filters).order_by("due_on", "id")

    @extend_schema(request=TaskCompleteSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark a task done (it goes on the case timeline). 409 when it changed since `version`."""
        task = self.get_object()
        body = TaskCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            task = services.task_complete(actor=request.user, task=task,
                                          completed_on=body.validated_data.get("completed_on"),
                                          expected_version=body.validated_data["version"])
        except ConflictError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(TaskSerializer(task).data)


ROUTES = [("tasks", TaskViewSet, "task")]
