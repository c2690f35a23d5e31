from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.core import policy
from casework.core.text import search_terms
from casework.core.views import PolicyView

from . import selectors
from .forms import StudentSearchForm
from .models import Student


class StudentSearchView(PolicyView):
    """Search is POSTed so names typed in the box never appear in URLs, history or server logs."""

    action = "student.view"

    def get(self, request):
        form = StudentSearchForm(user=request.user)
        return render(request, "students/search.html", {"form": form, "searched": False})

    def post(self, request):
        form = StudentSearchForm(request.POST, user=request.user)
        context = {"form": form, "searched": False, "results": []}
        if form.is_valid():
            terms = search_terms(form.cleaned_data["q"])
            school = form.cleaned_data["school"]
            if form.cleaned_data["q"].strip() and not terms:
                context.update(searched=True, results=[])  # only punctuation: nothing can match
            elif terms or school:
                scoped = Student.objects.for_user(request.user, self.action)
                results = selectors.student_search(scoped, terms, school_id=school.pk if school else None)
                schools = selectors.current_enrollments(request.user, results)
                context.update(searched=True, results=[(s, schools.get(s.pk)) for s in results],
                               limit=selectors.SEARCH_LIMIT)
        template = "students/_results.html" if request.htmx else "students/search.html"
        return render(request, template, context)


class StudentDetailView(PolicyView):
    action = "student.view"
    tab = "profile"

    def get_student(self, request, pk):
        try:
            return selectors.student_profile(request.user, pk, self.action)
        except ObjectDoesNotExist:
            raise Http404 from None

    def get(self, request, pk: int):
        student = self.get_student(request, pk)
        audit.log_access(actor=request.user, student=student, action=AccessLog.Action.VIEW,
                         purpose=request.GET.get("purpose", ""), detail=self.tab)
        ctx = self.context(request, student) | {"household_children": self.household_children(request, student),
                                                 "attendance": self.attendance(request, student),
                                                 **self.cases(request, student)}
        return render(request, "students/detail.html", ctx)

    def cases(self, request, student) -> dict:
        """The student's cases as the user may see them: the header (number, type, status, owner) for
        case.view, a link for the cases they work, and "Open a case" for case.open in their schools."""
        from django.db.models import Exists, OuterRef

        from casework.cases.models import Case

        user = request.user
        if not policy.has_action(user, "case.view"):
            return {"cases": None}
        workable = Case.objects.for_user(user, "case.work").filter(pk=OuterRef("pk"))
        cases = list(Case.objects.for_user(user, "case.view").filter(student=student).select_related("owner")
                     .annotate(workable=Exists(workable)))
        can_open = (policy.has_action(user, "case.open")
                    and Student.objects.for_user(user, "case.open").filter(pk=student.pk).exists())
        return {"cases": cases, "can_open_case": can_open}

    def context(self, request, student):
        return {
            "student": student,
            "tab": self.tab,
            "can_see_access_log": policy.has_action(request.user, "audit.access.view"),
            "can_see_record": policy.has_action(request.user, "student.view"),
            # Only the (logged) profile shows who the child is; the access-log tab is about the log.
            "show_identity": self.tab == "profile",
        }

    def attendance(self, request, student) -> list | None:
        """This year's rate, band and flags at a glance (the stored snapshot; the Attendance tab counts
        them again with the calendar and the reasons). None for a user without the early-warning list."""
        if not policy.has_action(request.user, "indicators.view"):
            return None
        return selectors.attendance_snapshot(request.user, student)

    def household_children(self, request, student) -> list[Student]:
        """Brothers, sisters and the other family's children, but only those the user may see: a shared
        household must not disclose another family's children at schools outside the user's scope."""
        if not student.household_id or not policy.has_action(request.user, "student.view"):
            return []
        return list(Student.objects.for_user(request.user, "student.view")
                    .filter(household_id=student.household_id).exclude(pk=student.pk).order_by("search_text"))


class StudentAccessLogView(StudentDetailView):
    """Who opened this record and when: the director's (and auditor's) tab."""

    action = "audit.access.view"
    tab = "access"

    def get_student(self, request, pk):
        # Auditors read the log without the record's content, so only the row itself is fetched.
        try:
            return Student.objects.for_user(request.user, self.action).only("pk", "household_id").get(pk=pk)
        except Student.DoesNotExist:
            raise Http404 from None

    def get(self, request, pk: int):
        student = self.get_student(request, pk)
        entries = AccessLog.objects.for_user(request.user, self.action).filter(student=student)[:500]
        ctx = self.context(request, student) | {"entries": entries}
        return render(request, "students/access_log.html", ctx)
