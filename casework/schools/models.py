from django.db import models

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet


class SchoolQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self.filter(pk__in=school_ids)


class School(AuditedModel):
    class Level(models.TextChoices):
        ELEMENTARY = "elementary", "Elementary"
        MIDDLE = "middle", "Middle"
        HIGH = "high", "High"
        ALTERNATIVE = "alternative", "Alternative program"
        SPECIAL = "special", "Special school"
        OTHER = "other", "Other"

    code = models.CharField(max_length=20, unique=True, help_text="The SIS school number")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, default="MD")
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    active = models.BooleanField(default=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        line2 = " ".join(p for p in [f"{self.city}," if self.city else "", self.state, self.postal_code] if p)
        return ", ".join(p for p in [self.street, line2] if p)
