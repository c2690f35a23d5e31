"""API base classes: scoped read-only viewsets, the policy permission, pagination and error shape."""

from __future__ import annotations

from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework import exceptions, permissions, serializers, viewsets

from . import policy


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
