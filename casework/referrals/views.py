"""Referral pages: refer a student (from the student page or a picker), refer several from the
early-warning list, the PPW's triage queue and decisions, the referrer's "My referrals", and one
referral's page. Pages that show a student's name log the access, like every student page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.cases.models import Case
from casework.core import policy
from casework.core.errors import ConflictError
from casework.core.paging import page_of
from casework.core.text import search_terms
from casework.core.views import PolicyView, parse_id, scoped_or_404
from casework.schools.models import School
from casework.students import selectors as student_selectors
from casework.students.models import Student

from . import selectors, services
from .choices import default_case_type
from .forms import AcceptForm, BulkReferralForm, ForwardForm, ReferralForm, ReturnForm, StudentPickForm, WithdrawForm
from .models import Referral

PAGE_SIZE = 50
CONFLICT = ("This referral was changed by someone else since you opened it (see its history below). "
            "Nothing was saved; what you typed is still in the form. Check it and send it again.")


def _put_errors(form, exc: ValidationError) -> None:
    """Service errors on the form's fields when they name one, else on the form."""
    for field, msgs in getattr(exc, "message_dict", {None: exc.messages}).items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _log_views(user, referrals, detail: str) -> None:
    audit.log_access_many(actor=user, student_ids=sorted({r.student_id for r in referrals}),
                          action=AccessLog.Action.VIEW, purpose="referrals", detail=detail)


def case_url(case) -> str:
    """The case page, once the cases app serves it (empty when it does not)."""
    try:
        return reverse("cases:detail", kwargs={"case_pk": case.pk})
    except NoReverseMatch:
        return ""


# --- referring -------------------------------------------------------------------------------------------


class StudentPickView(PolicyView):
    """For staff who cannot open student records (teachers): find a current student of their school by
    name or ID. POSTed so names never reach URLs or logs; shows name, grade and ID only."""

    action = "referral.create"

    def get(self, request):
        return render(request, "referrals/pick.html", {"form": StudentPickForm(), "searched": False})

    def post(self, request):
        form = StudentPickForm(request.POST)
        results = []
        if form.is_valid():
            terms = search_terms(form.cleaned_data["q"])
            scoped = Student.objects.for_user(request.user, self.action)
            results = student_selectors.student_search(scoped, terms) if terms else []
        return render(request, "referrals/pick.html", {"form": form, "searched": form.is_valid(),
                                                       "results": results, "limit": student_selectors.SEARCH_LIMIT})


class ReferralCreateView(PolicyView):
    action = "referral.create"

    def student(self, request, student_pk: int) -> Student:
        return scoped_or_404(Student, request.user, self.action, student_pk)

    def get(self, request, student_pk: int):
        student = self.student(request, student_pk)
        schools = selectors.referring_schools(request.user, student)
        audit.log_access(actor=request.user, student=student, action=AccessLog.Action.VIEW, detail="referral form")
        return self.show(request, student, ReferralForm(schools=schools))

    def post(self, request, student_pk: int):
        student = self.student(request, student_pk)
        form = ReferralForm(request.POST, schools=selectors.referring_schools(request.user, student))
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.referral_create(
                    actor=request.user, student=student, school=data["school"], reasons=data["reasons"],
                    details=data["details"], already_tried=data["already_tried"], urgency=data["urgency"])
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, f"Referral {referral.number} sent. You will see here when a PPW "
                                          "accepts, returns or forwards it.")
                return redirect("referrals:detail", pk=referral.pk)
        return self.show(request, student, form, status=400)

    def show(self, request, student, form, status: int = 200):
        return render(request, "referrals/new.html", {"student": student, "form": form}, status=status)


class BulkReferralView(PolicyView):
    """"Refer these students" from a school's early-warning list: the first POST (ticked students) shows
    the confirm form; the second (with `confirm`) sends one referral per student, all or none."""

    action = "referral.bulk"
    http_method_names = ["post"]

    def post(self, request, code: str):
        school = School.objects.for_user(request.user, self.action).filter(code=code).first()
        if school is None:
            raise Http404
        # A tampered id simply matches nobody.
        ids = list(dict.fromkeys(pk for raw in request.POST.getlist("student") if (pk := parse_id(raw)) is not None))
        confirming = "confirm" in request.POST
        form = BulkReferralForm(request.POST if confirming else None, student_ids=ids,
                                initial={"student": ids})
        if confirming and form.is_valid():
            data = form.cleaned_data
            try:
                made = services.referral_bulk_create(
                    actor=request.user, school=school, student_ids=data["student"], reasons=data["reasons"],
                    details=data["details"], already_tried=data["already_tried"], urgency=data["urgency"])
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, f"{len(made)} referral{'s' if len(made) != 1 else ''} sent to the PPS "
                                          f"office from {school.name}.")
                return redirect("referrals:mine")
        students = list(Student.objects.for_user(request.user, self.action).filter(pk__in=ids)
                        .order_by("search_text", "id"))
        missing = len(ids) - len(students)
        if students:
            _log_views(request.user, [Referral(student_id=s.pk) for s in students], "bulk referral form")
        status = 400 if (confirming or not ids) else 200
        return render(request, "referrals/bulk.html", {
            "school": school, "form": form, "students": students, "missing": missing, "no_selection": not ids,
            "back": reverse("indicators:early_warning", kwargs={"code": school.code}),
        }, status=status)


# --- lists -----------------------------------------------------------------------------------------------


class TriageView(PolicyView):
    """The PPW's queue: waiting referrals of their schools and those forwarded to them."""

    action = "referral.triage"

    def get(self, request):
        page = page_of(Paginator(selectors.triage_queue(request.user), PAGE_SIZE), request.GET.get("page"))
        _log_views(request.user, page, "triage queue")
        # "Student has an open case" only when the user may see that case: a flag on a crisis or
        # child-welfare case they are not named on would tell them it exists.
        flagged = {r.duplicate_of_case_id for r in page if r.duplicate_of_case_id}
        shown = set(Case.objects.for_user(request.user, "case.view").filter(pk__in=flagged)
                    .values_list("pk", flat=True)) if flagged else set()
        for r in page:
            r.flag_visible = r.duplicate_of_case_id in shown
        return render(request, "referrals/triage.html", {"page": page})


class MineView(PolicyView):
    """Every referral the user made, newest first, with where it stands."""

    action = "referral.create"

    def get(self, request):
        rows = selectors.referrals_for(request.user).filter(referred_by=request.user)
        page = page_of(Paginator(rows, PAGE_SIZE), request.GET.get("page"))
        _log_views(request.user, page, "my referrals")
        return render(request, "referrals/mine.html", {"page": page})


# --- one referral ----------------------------------------------------------------------------------------


def _referral(user, pk: int, action: str) -> Referral:
    referral = selectors.referrals_for(user, action).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


class ReferralDetailView(PolicyView):
    """The referrer and school administrators see the referral and its status history (with the notes
    written for them); the PPWs who triage it also get the decision forms and the case link. Case notes
    and the case timeline are never on this page."""

    action = "referral.view"

    def get(self, request, pk: int):
        referral = _referral(request.user, pk, self.action)
        return render_detail(request, referral)


def render_detail(request, referral: Referral, *, forms_: dict | None = None, status: int = 200):
    user = request.user
    can_triage = referral.is_waiting and policy.can(user, "referral.triage", referral)
    context = {
        "referral": referral,
        "history": list(referral.history.select_related("changed_by")),
        "can_triage": can_triage,
        "can_withdraw": referral.is_waiting and referral.referred_by_id == user.pk,
        "case_link": case_url(referral.case) if referral.case_id and policy.can(user, "case.work", referral.case)
        else "",
        "case_visible": bool(referral.case_id) and policy.can(user, "case.view", referral.case),
        "duplicate_visible": bool(referral.duplicate_of_case_id)
        and policy.can(user, "case.view", referral.duplicate_of_case),
    }
    if policy.can(user, "student.view", referral.student):
        context["student_link"] = reverse("students:detail", kwargs={"pk": referral.student_id})
    if policy.can(user, "referral.triage", referral):
        # Two teachers often refer the same child in the same week: the PPW decides them together.
        context["other_referrals"] = list(selectors.referrals_for(user, "referral.triage")
                                          .filter(student=referral.student_id).exclude(pk=referral.pk)[:10])
    if context["duplicate_visible"] and policy.can(user, "case.work", referral.duplicate_of_case):
        context["duplicate_link"] = case_url(referral.duplicate_of_case)
    forms_ = forms_ or {}
    initial = {"version": referral.version}
    if can_triage:
        owners = selectors.case_owners(user, referral)
        cases = selectors.open_cases_to_attach(user, referral)
        accept_initial = dict(initial)
        if referral.duplicate_of_case_id in {c.pk for c in cases}:  # the flagged case is the likely home
            accept_initial.update(into=AcceptForm.EXISTING, case=referral.duplicate_of_case_id)
        context["accept_form"] = forms_.get("accept") or AcceptForm(
            initial=accept_initial, owners=owners, cases=cases, default_type=default_case_type(referral.reasons),
            me=user)
        context["return_form"] = forms_.get("return") or ReturnForm(initial=initial)
        context["forward_form"] = forms_.get("forward") or ForwardForm(
            initial=initial, candidates=selectors.forward_candidates(referral, exclude=user))
    if context["can_withdraw"]:
        context["withdraw_form"] = forms_.get("withdraw") or WithdrawForm(initial=initial)
    # A refused decision whose form is no longer offered (the referral closed meanwhile) still says why.
    context["orphan_errors"] = [e for key, form in forms_.items() if f"{key}_form" not in context
                                for e in form.non_field_errors()]
    audit.log_access(actor=user, student=referral.student, action=AccessLog.Action.VIEW, detail="referral")
    return render(request, "referrals/detail.html", context, status=status)


class _DecisionView(PolicyView):
    """POST of one decision form on the detail page. Errors and conflicts re-show the page with what the
    user typed; success goes back to the page (or the queue) with a message."""

    http_method_names = ["post"]
    key = ""
    read_action = "referral.triage"  # how the referral is found (404 when out of reach)

    def form(self, data, request, referral):  # pragma: no cover - each decision builds its form
        raise NotImplementedError

    def apply(self, request, referral, data):  # pragma: no cover
        raise NotImplementedError

    def post(self, request, pk: int):
        referral = _referral(request.user, pk, self.read_action)
        form = self.form(request.POST, request, referral)
        if form.is_valid():
            try:
                done = self.apply(request, referral, form.cleaned_data)
            except ConflictError:
                # Shown again with what was typed and the current version: a second send after reading the
                # new history goes through; nothing is applied over a change the user has not seen.
                referral = _referral(request.user, pk, "referral.view")
                data = request.POST.copy()
                data["version"] = str(referral.version)
                form = self.form(data, request, referral)
                form.is_valid()
                form.add_error(None, CONFLICT)
            except ValidationError as exc:
                _put_errors(form, exc)
                referral = _referral(request.user, pk, "referral.view")
            else:
                messages.success(request, self.done_message(done))
                return redirect(self.next_url(request, done))
        return render_detail(request, referral, forms_={self.key: form}, status=400)

    def done_message(self, referral) -> str:
        return f"Referral {referral.number}: {referral.get_status_display().lower()}."

    def next_url(self, request, referral) -> str:
        return reverse("referrals:detail", kwargs={"pk": referral.pk})


class AcceptView(_DecisionView):
    action = "referral.triage"
    key = "accept"

    def form(self, data, request, referral):
        return AcceptForm(data, owners=selectors.case_owners(request.user, referral),
                          cases=selectors.open_cases_to_attach(request.user, referral),
                          default_type=default_case_type(referral.reasons), me=request.user)

    def apply(self, request, referral, data):
        return services.referral_accept(actor=request.user, referral=referral, case=data.get("case"),
                                        case_type=data.get("case_type") or None, owner=data.get("owner"),
                                        note=data["note"], expected_version=data["version"])

    def done_message(self, referral) -> str:
        return (f"Referral {referral.number} accepted into case {referral.case.number}. A follow-up task "
                "with the referrer was added to the case.")


class ReturnView(_DecisionView):
    action = "referral.triage"
    key = "return"

    def form(self, data, request, referral):
        return ReturnForm(data)

    def apply(self, request, referral, data):
        return services.referral_return(actor=request.user, referral=referral, reason=data["reason"],
                                        expected_version=data["version"])

    def next_url(self, request, referral) -> str:
        return reverse("referrals:triage")


class ForwardView(_DecisionView):
    action = "referral.triage"
    key = "forward"

    def form(self, data, request, referral):
        return ForwardForm(data, candidates=selectors.forward_candidates(referral, exclude=request.user))

    def apply(self, request, referral, data):
        return services.referral_forward(actor=request.user, referral=referral, to_user=data["to_user"],
                                         note=data["note"], expected_version=data["version"])

    def done_message(self, referral) -> str:
        who = referral.forwarded_to.get_full_name() or referral.forwarded_to.username
        return f"Referral {referral.number} forwarded to {who}."

    def next_url(self, request, referral) -> str:
        return reverse("referrals:triage")


class WithdrawView(_DecisionView):
    action = "referral.create"
    key = "withdraw"
    read_action = "referral.view"

    def form(self, data, request, referral):
        return WithdrawForm(data)

    def apply(self, request, referral, data):
        return services.referral_withdraw(actor=request.user, referral=referral, reason=data["reason"],
                                          expected_version=data["version"])

    def post(self, request, pk: int):
        # Only the referrer may withdraw; anyone else is answered as if the referral did not exist.
        referral = _referral(request.user, pk, "referral.view")
        if referral.referred_by_id != request.user.pk:
            raise Http404
        return super().post(request, pk)
