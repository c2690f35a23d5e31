"""API base classes: scoped read-only viewsets, the policy permission, access logging of reads and
query-parameter parsing."""

from __future__ import annotations

from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework import exceptions, permissions, serializers, viewsets

from casework.audit import services as audit
from casework.audit.models import AccessLog

from . import policy
from .views import parse_id


class ModelSerializer(serializers.ModelSerializer):
    """Integer bounds that Django derives from the database (64-bit for every type on SQLite,
    16/32-bit on PostgreSQL) are replaced by the field type's portable range, so the API behaves
    and documents itself (docs/openapi.yaml) the same on either database."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.IntegerField):
            kind = model_field.get_internal_type()
            portable = BaseDatabaseOperations.integer_field_ranges.get(kind)
            if portable is not None:
                low, high = connection.ops.integer_field_range(kind)
                if kwargs.get("min_value") == low:
                    kwargs["min_value"] = portable[0]
                if kwargs.get("max_value") == high:
                    kwargs["max_value"] = portable[1]
        return field_class, kwargs


class PolicyPermission(permissions.BasePermission):
    """A role without the view's action gets 404, as on the pages: no existence leak."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if not policy.has_action(request.user, view.policy_action):
            raise exceptions.NotFound()
        return True


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Declare `model` and `policy_action`; rows come only from Model.objects.for_user()."""

    model = None
    policy_action: str = ""
    permission_classes = [permissions.IsAuthenticated, PolicyPermission]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.policy_action:
            policy._rules(cls.policy_action)
            cls.casework_action = cls.policy_action

    def get_queryset(self):
        return self.model.objects.for_user(self.request.user, self.policy_action)




def int_param(request, name: str, *, label: str = "") -> int | None:
    """The query parameter `name` as an id, None when absent or blank. Anything but plain digits is a
    400 naming the parameter (never a 500 from int("²"), never a silently ignored filter)."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        what = label or f"{name} id"
        raise exceptions.ValidationError({name: f"Give the {what} as a whole number in digits 0-9, e.g. ?{name}=12."})
    return value


class AccessLoggedMixin:
    """Writes API reads of student data to the access log (COMAR 13A.08.02: who read which record).

    Put it before ScopedReadOnlyViewSet and name the row's student in `access_student_path`, an ORM
    path ("student_id", "case__student_id"). A successful detail read (retrieve) writes one AccessLog
    row, action API, detail "api <basename> <id>" and the caller's `?purpose=`; a list writes one row
    per distinct student on the page returned. Other actions (POSTs) are not reads and log nothing.
    The list reads the path as one ORM lookup over the page; retrieve follows it attribute by attribute
    in `student_id_of(obj)`, which a viewset may override.
    """

    access_student_path: str = "case__student_id"
    _logged_rows: list | None = None

    def student_id_of(self, obj) -> int | None:
        value = obj
        for part in self.access_student_path.split("__"):
            value = getattr(value, part) if value is not None else None
        return value

    def get_object(self):
        obj = super().get_object()
        self._logged_rows = [obj]
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._logged_rows = list(page) if page is not None else list(queryset)
        return page

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if 200 <= response.status_code < 300 and self._logged_rows is not None and request.method == "GET":
            if self.action == "retrieve":
                self._log_retrieve(request, self._logged_rows[0])
            elif self.action == "list":
                self._log_list(request, self._logged_rows)
        return response

    def _log_retrieve(self, request, obj) -> None:
        student_id = self.student_id_of(obj)
        if student_id is not None:
            audit.log_access(actor=request.user, student=student_id, action=AccessLog.Action.API,
                             purpose=request.query_params.get("purpose", ""),
                             detail=f"api {self.basename} {obj.pk}")

    def _log_list(self, request, rows: list) -> None:
        if not rows:
            return
        # One query for the whole page (following the path row by row would be a query per row); the
        # rows came through for_user(), so re-reading them by pk under the same action widens nothing.
        ids = (self.model.objects.for_user(request.user, self.policy_action)
               .filter(pk__in=[r.pk for r in rows]).values_list(self.access_student_path, flat=True))
        student_ids = sorted({sid for sid in ids if sid is not None})
        audit.log_access_many(actor=request.user, student_ids=student_ids, action=AccessLog.Action.API,
                              purpose=request.query_params.get("purpose", ""), detail=f"api {self.basename} list")
