"""API base classes: scoped read-only viewsets, the policy permission, pagination and error shape."""

from __future__ import annotations

from rest_framework import exceptions, permissions, viewsets

from . import policy


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
