"""Reads of student records that views and the API share. Every row comes through for_user."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Enrollment, HouseholdAddress, Student, StudentGuardian

SEARCH_LIMIT = 50


def student_search(
    scoped: QuerySet[Student], terms: list[str], *, school_id: int | None = None, limit: int = SEARCH_LIMIT
) -> list[Student]:
    qs = scoped
    if school_id is not None:
        qs = qs.filter(enrollments__school_id=school_id, enrollments__exit_date__isnull=True)
    if terms:
        qs = qs.search(terms)
    # search_text starts with the folded last name, so García and Garcia sort together.
    return list(qs.order_by("search_text", "id").distinct()[:limit])


def current_enrollments(user, students: list[Student], action: str = "student.view") -> dict[int, Enrollment]:
    """The open primary enrollment of each student (for the school column of a result list)."""
    rows = (
        Enrollment.objects.for_user(user, action)
        .filter(student__in=[s.pk for s in students], exit_date__isnull=True)
        .select_related("school")
        .order_by("-primary", "-entry_date")
    )
    result: dict[int, Enrollment] = {}
    for row in rows:
        result.setdefault(row.student_id, row)
    return result


def student_profiles(user, action: str = "student.view") -> QuerySet[Student]:
    """Students with everything a profile shows (page and API), in a fixed number of queries, all scoped."""
    links = StudentGuardian.objects.for_user(user, action).select_related("guardian", "guardian__household")
    return (
        Student.objects.for_user(user, action)
        .select_related("household")
        .prefetch_related(
            Prefetch("guardian_links", queryset=links),
            Prefetch("enrollments", queryset=Enrollment.objects.for_user(user, action).select_related("school")),
            Prefetch("household__addresses", queryset=HouseholdAddress.objects.for_user(user, action)),
        )
    )


def student_profile(user, pk: int, action: str = "student.view") -> Student:
    return student_profiles(user, action).get(pk=pk)


def attendance_snapshot(user, student: Student) -> list:
    """The student's stored year-to-date indicators at each school the user's list reaches (what the
    early-warning list shows), newest first, each with its band's label and its raised flags' labels."""
    from casework.indicators.exports import NOT_RATED  # indicators reads students: import here
    from casework.indicators.models import YEAR_TO_DATE, Flags, StudentIndicator

    rows = list(StudentIndicator.objects.for_user(user, "indicators.view").filter(student=student,
                                                                                 period_key=YEAR_TO_DATE)
                .select_related("school", "rule_set").order_by("-as_of", "school__name"))
    for row in rows:
        bands = {b.name: b.label for b in row.rule_set.rules().bands}
        row.band_label = bands.get(row.band, NOT_RATED)
        row.flag_labels = [label for flag, label in Flags.choices if getattr(row, flag)]
    return rows
