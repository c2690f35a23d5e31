"""Students, their families and households, and their enrollments: the facts every PPS workflow
starts from. Mostly imported from the SIS; written only through services."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet
from casework.core.text import fold

from .choices import AddressType, Grade, Relationship, Sex, grade_short


def scope_enrollments(*, recent_exits: bool):
    """Enrollments that put a student in their school's scope: open, or (recent_exits) ended within
    the grace period, CASEWORK_SCOPE_RECENT_EXIT_DAYS."""
    today = timezone.localdate()
    since = today - timedelta(days=settings.SCOPE_RECENT_EXIT_DAYS) if recent_exits else today
    return Enrollment.objects.filter(Q(exit_date__isnull=True) | Q(exit_date__gte=since))


def _scoped_student_ids(school_ids, *, recent_exits: bool):
    """Students in a school's scope. An IN over the schools' enrollments, not a correlated EXISTS:
    SQLite would otherwise probe every student of the district (see docs/performance.md)."""
    return scope_enrollments(recent_exits=recent_exits).filter(school_id__in=school_ids).values("student_id")


class ReachesStudentQuerySet(ScopedQuerySet):
    """Rows that reach a school through their student. A PPW keeps a child who left for the grace
    period (in_schools); the school's own staff see current students only (in_current_schools)."""

    student_path = "student_id"

    def in_schools(self, school_ids):
        return self._reach(_scoped_student_ids(school_ids, recent_exits=True))

    def in_current_schools(self, school_ids):
        return self._reach(_scoped_student_ids(school_ids, recent_exits=False))

    def _reach(self, student_ids):
        return self.filter(**{f"{self.student_path}__in": student_ids})


class HouseholdQuerySet(ReachesStudentQuerySet):
    def _reach(self, student_ids):
        return self.filter(pk__in=Student.objects.filter(pk__in=student_ids).values("household_id"))


class Household(AuditedModel):
    """People who live at one address: often several children, sometimes more than one family."""

    label = models.CharField(max_length=200, blank=True, help_text="How staff refer to it, e.g. the Rivera household")
    phone = models.CharField(max_length=30, blank=True)
    notes = models.TextField(blank=True)

    objects = HouseholdQuerySet.as_manager()

    def __str__(self) -> str:
        return self.label or f"Household {self.pk}"

    @property
    def current_address(self) -> HouseholdAddress | None:
        return next((a for a in self.addresses.all() if a.end_date is None), None)


class HouseholdAddressQuerySet(ReachesStudentQuerySet):
    def _reach(self, student_ids):
        return self.filter(household_id__in=Student.objects.filter(pk__in=student_ids).values("household_id"))


class HouseholdAddress(AuditedModel):
    """Address history, never overwritten: residency and McKinney-Vento work need where a family lived when."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="addresses")
    address_type = models.CharField(max_length=20, choices=AddressType.choices, default=AddressType.HOME)
    street = models.CharField(max_length=200)
    unit = models.CharField(max_length=30, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, default="MD")
    postal_code = models.CharField(max_length=10)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    verified_on = models.DateField(null=True, blank=True, help_text="Date residency documents were checked")

    objects = HouseholdAddressQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="students_address_dates_ordered",
            ),
            models.UniqueConstraint(fields=["household"], condition=Q(end_date__isnull=True),
                                    name="students_one_current_address"),
        ]

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        street = f"{self.street} {self.unit}".strip()
        return f"{street}, {self.city}, {self.state} {self.postal_code}"


class StudentQuerySet(ReachesStudentQuerySet):
    student_path = "pk"

    def search(self, terms: list[str]):
        """Every term must start a word of the name, preferred name or district id (accents folded).

        SQLite answers through an FTS5 prefix index, PostgreSQL through a trigram index on the LIKE
        patterns (migrations 0002 and 0004); both give the same rows."""
        if not terms:
            return self
        if any(fold(term) != term for term in terms):
            return self.none()  # search_text holds folded words only: "%" or "José" can never start one
        if connections[self.db].vendor == "sqlite":
            # Terms are folded to letters and digits only, so quoting them cannot break the MATCH syntax.
            match = " ".join(f'"{term}"*' for term in terms)
            return self.filter(pk__in=RawSQL(
                "SELECT rowid FROM students_student_fts WHERE students_student_fts MATCH %s", [match]))
        qs = self
        for term in terms:
            qs = qs.filter(Q(search_text__startswith=term) | Q(search_text__contains=f" {term}"))
        return qs


class Student(AuditedModel):
    district_id = models.CharField(max_length=32, unique=True, help_text="SIS student id (Ed-Fi StudentUniqueId)")
    state_id = models.CharField(max_length=32, blank=True, help_text="Maryland state student id (SASID)")
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    suffix = models.CharField(max_length=10, blank=True)
    preferred_name = models.CharField(max_length=100, blank=True)
    # Null when the SIS sent none (a OneRoster bundle without demographics.csv): unknown, never guessed.
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    grade = models.CharField(max_length=2, choices=Grade.choices)
    home_language = models.CharField(max_length=60, blank=True)
    # Facts imported from the SIS program associations; Casework does not decide them.
    has_iep = models.BooleanField("IEP", default=False)
    has_504 = models.BooleanField("Section 504 plan", default=False)
    english_learner = models.BooleanField("English learner", default=False)
    homeless = models.BooleanField("McKinney-Vento eligible", default=False)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="students")
    # Folded name and id words, so search is accent- and case-insensitive on any database.
    search_text = models.CharField(max_length=400, editable=False)

    objects = StudentQuerySet.as_manager()
    audit_exclude = ("created_at", "updated_at", "version", "search_text")

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name"], name="students_name_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{self.last_name}, {first}"

    @property
    def grade_short(self) -> str:
        return grade_short(self.grade)

    @property
    def legal_name(self) -> str:
        return " ".join(p for p in [self.first_name, self.middle_name, self.last_name, self.suffix] if p)

    def refresh_search_text(self) -> None:
        words = [self.last_name, self.first_name, self.preferred_name, self.middle_name, self.district_id]
        self.search_text = fold(" ".join(w for w in words if w))[:400]

    def age_on(self, day) -> int | None:
        """Whole years on `day`; None when the birth date is not recorded."""
        dob = self.date_of_birth
        if dob is None:
            return None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class GuardianQuerySet(ReachesStudentQuerySet):
    def _reach(self, student_ids):
        return self.filter(pk__in=StudentGuardian.objects.filter(student_id__in=student_ids).values("guardian_id"))


class Guardian(AuditedModel):
    """A parent, guardian, caregiver or other contact. Not always a parent; not always at home."""

    contact_id = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                  help_text="SIS contact id (Ed-Fi ContactUniqueId); empty when entered by hand")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="guardians", help_text="Empty when they live elsewhere")
    phone = models.CharField(max_length=30, blank=True)
    alt_phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(max_length=60, blank=True)
    needs_interpreter = models.BooleanField(default=False)

    objects = GuardianQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class StudentGuardianQuerySet(ReachesStudentQuerySet):
    pass


class StudentGuardian(AuditedModel):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="student_links")
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    has_custody = models.BooleanField("legal custody", default=False)
    lives_with = models.BooleanField("student lives with", default=False)
    emergency_contact = models.BooleanField(default=False)
    receives_mail = models.BooleanField("receives school mail", default=True)
    contact_order = models.PositiveSmallIntegerField(default=1, help_text="1 = call first")
    no_contact = models.BooleanField(default=False, help_text="A court order or custody arrangement forbids contact")

    objects = StudentGuardianQuerySet.as_manager()

    class Meta:
        ordering = ["contact_order", "id"]
        constraints = [models.UniqueConstraint(fields=["student", "guardian"], name="students_guardian_link_unique")]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.get_relationship_display()}) of student {self.student_id}"


class EnrollmentQuerySet(ReachesStudentQuerySet):

    def active_on(self, day):
        return self.filter(entry_date__lte=day).filter(Q(exit_date__isnull=True) | Q(exit_date__gte=day))


class Enrollment(AuditedModel):
    """Student x school x dates (Ed-Fi StudentSchoolAssociation)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="enrollments")
    entry_date = models.DateField()
    exit_date = models.DateField(null=True, blank=True)
    grade = models.CharField(max_length=2, choices=Grade.choices)
    entry_code = models.CharField(max_length=20, blank=True, help_text="SIS entry code")
    exit_code = models.CharField(max_length=20, blank=True, help_text="SIS withdrawal code")
    primary = models.BooleanField(default=True, help_text="The school responsible for attendance")

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-entry_date", "-id"]
        indexes = [
            models.Index(fields=["school", "exit_date"], name="students_enroll_school_idx"),
            models.Index(fields=["student", "school", "exit_date"], name="students_enroll_scope_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("entry_date")),
                name="students_enrollment_dates_ordered",
            ),
            models.UniqueConstraint(fields=["student", "school", "entry_date"], name="students_enrollment_unique"),
            # Backs the service's check against two concurrent requests opening the same enrollment.
            models.UniqueConstraint(fields=["student", "school"], condition=Q(exit_date__isnull=True),
                                    name="students_one_open_enrollment_per_school"),
        ]

    def __str__(self) -> str:
        return f"student {self.student_id} at {self.school_id} from {self.entry_date}"

    def is_active_on(self, day) -> bool:
        return self.entry_date <= day and (self.exit_date is None or self.exit_date >= day)
