"""The PPW's case pages: the list, the overview (status actions, people, linked students, the
timeline), opening a case from the student page, and the small POST forms of the overview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.core import policy
from casework.core.errors import ConflictError
from casework.core.paging import page_of
from casework.core.views import PolicyView, parse_id, scoped_or_404
from casework.students.models import Student

from .. import services
from ..assignments import can_work_student, case_student_link, case_student_unlink, case_worker_add, case_worker_remove
from ..choices import CaseStatus, EventKind
from ..forms import CaseListFilterForm, CaseOpenForm, LinkForm, StatusForm, TimelineFilterForm, WorkerForm
from ..models import Case, CaseAssignment, CaseEvent, CaseStudentLink, CaseWorker
from ..selectors import case_list, case_page, case_staff

PAGE_SIZE = 50
CONFLICT = "This case was changed by someone else since you opened it. Check the page below, then submit again."


def messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class CaseListView(PolicyView):
    """"My cases" by default; leaders (who work every school) can filter by owner."""

    action = "case.work"

    def get(self, request):
        leader = policy.has_action(request.user, "case.assign")
        form = CaseListFilterForm(request.GET or None, user=request.user, leader=leader)
        values = form.values()
        rows = case_list(request.user, mine=values["mine"], filters=values, sort=values["sort"])
        page = page_of(Paginator(rows, PAGE_SIZE), request.GET.get("page"))
        today = timezone.localdate()
        for case in page:
            case.age_days = ((case.closed_on or today) - case.opened_on).days
        audit.log_access_many(actor=request.user, student_ids=sorted({c.student_id for c in page}),
                              action=AccessLog.Action.VIEW, purpose="case list", detail="case list")
        return render(request, "cases/list.html", {"form": form, "page": page, "mine": values["mine"],
                                                   "leader": leader})


def detail_context(request, case: Case, ctx: dict, *, status_form: StatusForm | None = None,
                   open_form: str = "") -> dict:
    """Everything the overview shows; the POST views re-render it with the user's input kept."""
    user = request.user
    kinds_form = TimelineFilterForm(request.GET or None)
    kinds = kinds_form.cleaned_data["kind"] if kinds_form.is_bound and kinds_form.is_valid() else []
    events = CaseEvent.objects.for_user(user, "case.work").filter(case=case).select_related("actor")
    if kinds:
        events = events.filter(kind__in=kinds)
    visible_students = Student.objects.for_user(user, "student.view")
    links = (CaseStudentLink.objects.for_user(user, "case.work").filter(case=case, student__in=visible_students)
             .select_related("student"))
    can_assign = policy.can(user, "case.assign", case)
    workers = [w.user for w in CaseWorker.objects.for_user(user, "case.work").filter(case=case)
               .select_related("user").order_by("added_at")]
    worker_form = WorkerForm()
    # Offer only people who could be added: not the owner, not those already on the case.
    worker_form.fields["user"].queryset = case_staff().exclude(pk__in=[case.owner_id, *(w.pk for w in workers)])
    return ctx | {
        "transitions": services.allowed_transitions(case),
        "status_form": status_form or StatusForm(initial={"version": case.version}),
        "open_form": open_form,
        "closure_request": services.pending_closure_request(case),
        "needs_approval": services.closure_needs_approval(case.case_type),
        "workers": workers,
        "worker_form": worker_form,
        "links": links,
        "link_form": LinkForm(),
        "assignments": CaseAssignment.objects.for_user(user, "case.work").filter(case=case)
        .select_related("from_user", "to_user", "assigned_by"),
        "can_assign": can_assign,
        "events": events,
        "kinds_form": kinds_form,
        "kinds": kinds,
        "kind_choices": EventKind.choices,
        "now": timezone.now(),
    }


class CaseDetailView(PolicyView):
    action = "case.work"

    def get(self, request, case_pk: int):
        case, ctx = case_page(request, case_pk, tab="timeline", action=self.action)
        return render(request, "cases/detail.html", detail_context(request, case, ctx))


class CaseStatusView(PolicyView):
    """Every status change of the overview: close (or submit for approval), hold, reopen, ..."""

    action = "case.work"
    http_method_names = ["post"]

    def post(self, request, case_pk: int):
        case, ctx = case_page(request, case_pk, tab="timeline", action=self.action)
        form = StatusForm(request.POST)
        if not form.is_valid():
            form.add_error(None, "Pick a status and try again.")
            return self.again(request, case, ctx, form, 400)
        to, reason, outcome = form.cleaned_data["to"], form.cleaned_data["reason"], form.cleaned_data["outcome"]
        version = form.cleaned_data["version"]
        try:
            if to == CaseStatus.CLOSED:
                case, closure = services.case_request_close(actor=request.user, case=case, closure_reason=reason,
                                                            outcome=outcome, expected_version=version)
                done = ("Closure submitted: it waits for a supervisor's approval in the Approvals queue."
                        if closure else f"Case {case.number} closed.")
            elif to == CaseStatus.REOPENED:
                case = services.case_reopen(actor=request.user, case=case, reason=reason, expected_version=version)
                done = f"Case {case.number} reopened."
            else:
                case = services.case_set_status(actor=request.user, case=case, status=to, reason=reason,
                                                expected_version=version)
                done = f"Case {case.number} is now {case.get_status_display().lower()}."
        except ConflictError:
            form.add_error(None, CONFLICT)
            case.refresh_from_db()
            return self.again(request, case, ctx | {"case": case}, form, 409, keep_version=False)
        except ValidationError as exc:
            for message in messages_of(exc):
                form.add_error(None, message)
            return self.again(request, case, ctx, form, 400)
        messages.success(request, done)
        return redirect("cases:detail", case_pk=case.pk)

    def again(self, request, case, ctx, form, status, keep_version=True):
        """The overview with the form open and what was typed kept. After a conflict the hidden version
        is the current one, so submitting again (having read the page) applies the change."""
        if not keep_version:
            data = request.POST.copy()
            data["version"] = case.version
            bound = StatusForm(data)
            bound.is_valid()
            for error in form.non_field_errors():
                bound.add_error(None, error)
            form = bound
        ctx = detail_context(request, case, ctx, status_form=form, open_form=request.POST.get("to", ""))
        return render(request, "cases/detail.html", ctx, status=status)


class CaseWorkerView(PolicyView):
    action = "case.work"
    http_method_names = ["post"]

    def post(self, request, case_pk: int):
        case, _ctx = case_page(request, case_pk, tab="timeline", action=self.action)
        try:
            if "remove" in request.POST:
                pk = parse_id(request.POST.get("remove"))
                user = case_staff().filter(pk=pk).first() if pk is not None else None
                if user is None:
                    raise ValidationError("That person is not a co-worker on this case.")
                case_worker_remove(actor=request.user, case=case, user=user)
                messages.success(request, f"{user} is no longer a co-worker on {case.number}.")
            else:
                form = WorkerForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Pick a co-worker from the list.")
                case_worker_add(actor=request.user, case=case, user=form.cleaned_data["user"])
                messages.success(request, f"{form.cleaned_data['user']} added as co-worker.")
        except ValidationError as exc:
            messages.error(request, " ".join(messages_of(exc)))
        return redirect(reverse("cases:detail", kwargs={"case_pk": case.pk}) + "#people")


class CaseLinkView(PolicyView):
    """Link a sibling or household member by student ID (the PPW reads it off the student page)."""

    action = "case.work"
    http_method_names = ["post"]

    def post(self, request, case_pk: int):
        case, _ctx = case_page(request, case_pk, tab="timeline", action=self.action)
        try:
            if "unlink" in request.POST:
                pk = parse_id(request.POST.get("unlink"))
                link = (CaseStudentLink.objects.for_user(request.user, self.action)
                        .filter(case=case, pk=pk).first()) if pk is not None else None
                if link is None:
                    raise ValidationError("That link no longer exists.")
                case_student_unlink(actor=request.user, link=link)
                messages.success(request, "Student unlinked.")
            else:
                form = LinkForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Enter the student ID.")
                student = (Student.objects.for_user(request.user, "student.view")
                           .filter(district_id=form.cleaned_data["district_id"].strip()).first())
                if student is None:
                    raise ValidationError("No student with that ID in your schools.")
                case_student_link(actor=request.user, case=case, student=student,
                                  relationship=form.cleaned_data["relationship"])
                messages.success(request, f"Student ID {student.district_id} linked to {case.number}.")
        except ValidationError as exc:
            messages.error(request, " ".join(messages_of(exc)))
        return redirect(reverse("cases:detail", kwargs={"case_pk": case.pk}) + "#linked")


class CaseOpenView(PolicyView):
    """Open a case straight from the student page; the owner defaults to the PPW opening it."""

    action = "case.open"

    def student(self, request, student_pk: int) -> Student:
        return scoped_or_404(Student, request.user, self.action, student_pk)

    def get(self, request, student_pk: int):
        student = self.student(request, student_pk)
        me = case_staff().filter(pk=request.user.pk).first()
        form = CaseOpenForm(initial={"owner": me, "opened_on": timezone.localdate()})
        return self.show(request, student, form)

    def post(self, request, student_pk: int):
        student = self.student(request, student_pk)
        form = CaseOpenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            existing = (Case.objects.for_user(request.user, "case.view").open()
                        .filter(student=student, case_type=data["case_type"]).first())
            if existing is not None:
                form.add_error("case_type", f"This student already has an open case of this type: {existing.number}. "
                                            "Work that one (or close it first).")
            elif not can_work_student(data["owner"], student.pk):
                form.add_error("owner", f"{data['owner']} cannot work this student's cases (not their school).")
            elif data["opened_on"] > timezone.localdate():
                form.add_error("opened_on", "A case cannot be opened in the future.")
            else:
                case = services.case_open(actor=request.user, student=student, case_type=data["case_type"],
                                          owner=data["owner"], opened_on=data["opened_on"])
                messages.success(request, f"Case {case.number} opened.")
                if policy.can(request.user, "case.work", case):
                    return redirect("cases:detail", case_pk=case.pk)
                return redirect("students:detail", pk=student.pk)
        return self.show(request, student, form, status=400)

    def show(self, request, student, form, status=200):
        audit.log_access(actor=request.user, student=student, action=AccessLog.Action.VIEW, detail="open case")
        return render(request, "cases/open.html", {"student": student, "form": form}, status=status)
