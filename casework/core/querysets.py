from django.db import models

from . import policy


class ScopedQuerySet(models.QuerySet):
    """Base for every model that holds or reaches student data."""

    def for_user(self, user, action: str):
        return policy.for_user(self, user, action)

    def in_schools(self, school_ids):  # pragma: no cover - each scoped model says how it reaches a school
        raise NotImplementedError(f"{self.model.__name__} must define in_schools()")

    def in_current_schools(self, school_ids):
        """For roles that see only the school's current students. Rows owned by a school (its calendar,
        its events) are the same either way; models that reach a school through a student override it."""
        return self.in_schools(school_ids)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)
