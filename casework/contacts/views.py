"""The Contacts tab of a case, correcting a contact, the phone page for home visits (safety check-in
and notes) and the PPS leaders' list of overdue check-outs."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from casework.cases.selectors import case_page
from casework.core import policy
from casework.core.errors import ConflictError
from casework.core.paging import page_of
from casework.core.views import PolicyView, parse_id

from . import selectors, services
from .forms import CheckInForm, CheckOutForm, ContactEditForm, ContactFilterForm, ContactForm, HomeVisitNotesForm
from .models import Contact, HomeVisit

log = logging.getLogger(__name__)
PER_PAGE = 50
CONFLICT = ("This contact was changed by someone else since you opened it. Your changes are below, not saved; "
            "compare them with the saved version and save again.")
# No name: whoever is signed in now may not know, or be allowed to know, who wrote them.
OTHER_AUTHOR = ("These notes were written by another Casework user on this phone; sign in as them to send them. "
                "They are kept on this phone until then.")
NO_AUTHOR = "This page is out of date, so the notes were not saved. Go back, reload the page and save them again."


def _tab_url(case_pk: int) -> str:
    return reverse("contacts:case_contacts", kwargs={"case_pk": case_pk})


class CaseContactsView(PolicyView):
    """The log, newest first, filterable by type, with the attempt counts and a form to log one."""

    action = "case.work"

    def get(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="contacts")
        return self.render(request, case, context, ContactForm(case=case, user=request.user))

    def post(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="contacts")
        form = ContactForm(request.POST, case=case, user=request.user)
        if form.is_valid():
            try:
                contact = services.contact_log(actor=request.user, case=case,
                                               client_key=form.cleaned_data["client_key"], **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Logged: {contact.get_contact_type_display().lower()} of "
                                          f"{timezone.localtime(contact.occurred_at):%m/%d/%Y %I:%M %p}.")
                return redirect(_tab_url(case.pk))
        return self.render(request, case, context, form, status=400)

    def render(self, request, case, context, form, status=200):
        filters = ContactFilterForm(request.GET)
        contacts = (Contact.objects.for_user(request.user, "case.work").filter(case=case)
                    .select_related("worker", "follow_up_task"))
        chosen = filters.cleaned_data["type"] if filters.is_valid() else ""
        if chosen:
            contacts = contacts.filter(contact_type=chosen)
        page = page_of(Paginator(contacts, PER_PAGE), request.GET.get("page"))
        context.update(form=form, filters=filters, chosen=chosen, page=page,
                       counts=selectors.contact_attempts(case),
                       open_visit=selectors.open_visit(case, request.user))
        return render(request, "contacts/case_contacts.html", context, status=status)


class ContactDetailView(PolicyView):
    """One contact, and the form that corrects it (version-checked)."""

    action = "case.work"

    def _load(self, request, pk: int):
        contact = Contact.objects.for_user(request.user, "case.work").filter(pk=pk).first()
        if contact is None:
            raise Http404
        case, context = case_page(request, contact.case_id, tab="contacts")
        contact.case = case
        return contact, case, context

    def get(self, request, pk: int):
        contact, case, context = self._load(request, pk)
        form = ContactEditForm(case=case, user=request.user, contact=contact)
        return self.render(request, context, contact, form)

    def post(self, request, pk: int):
        contact, case, context = self._load(request, pk)
        form = ContactEditForm(request.POST, case=case, user=request.user)
        if form.is_valid():
            try:
                services.contact_edit(actor=request.user, contact=contact,
                                      expected_version=form.cleaned_data["version"], **form.service_kwargs())
            except ConflictError:
                contact.refresh_from_db()
                # Keep what they typed; the next save is a deliberate choice over the newer version.
                data = request.POST.copy()
                data["version"] = contact.version
                form = ContactEditForm(data, case=case, user=request.user)
                form.is_valid()
                return self.render(request, context, contact, form, conflict=True, status=409)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Contact updated.")
                return redirect(_tab_url(case.pk))
        return self.render(request, context, contact, form, status=400)

    def render(self, request, context, contact, form, conflict=False, status=200):
        context.update(contact=contact, form=form, conflict=conflict, conflict_message=CONFLICT)
        return render(request, "contacts/contact_detail.html", context, status=status)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class HomeVisitView(PolicyView):
    """The phone page: check in, write the notes (they become a home-visit contact), check out.

    The notes form works as a plain POST; homevisit.js sends it with fetch and keeps a draft on the
    phone until the server confirms it. Both carry a client key, so a retry never logs the visit twice."""

    action = "case.work"

    def dispatch(self, request, *args, **kwargs):
        # Notes kept on a phone can be sent after someone else signed in on it: they must never be logged
        # under a worker who did not make the visit. Checked before the policy and the case, so the answer
        # is the same whether or not the new user may open this case, and says nothing about it.
        if request.method == "POST" and request.user.is_authenticated:
            author = parse_id(request.POST.get("author"))
            if author != request.user.pk:
                return self.refuse_author(request, known=author is not None)
        return super().dispatch(request, *args, **kwargs)

    def refuse_author(self, request, *, known: bool):
        message = OTHER_AUTHOR if known else NO_AUTHOR
        log.info("home-visit notes refused: %s", "written by another user" if known else "no author")
        if _wants_json(request):
            return JsonResponse({"ok": False, "refused": "author", "message": message}, status=403)
        # The plain page does not echo the notes back: they are not the signed-in user's to read.
        return render(request, "error.html", {"status": 403, "title": "Notes not saved", "message": message},
                      status=403)

    def handle_no_permission(self):
        # homevisit.js must tell "signed out" from "offline": a redirect to the sign-in page would
        # reach it as an HTML page. The draft stays on the phone; the page offers to sign in again.
        if self.request.user.is_anonymous and _wants_json(self.request):
            return JsonResponse({"ok": False, "signed_out": True, "login": reverse(settings.LOGIN_URL)},
                                status=401)
        return super().handle_no_permission()

    def get(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="contacts")
        form = HomeVisitNotesForm(case=case, user=request.user, address=services.planned_address(case))
        return self.render(request, case, context, form)

    def post(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="contacts")
        form = HomeVisitNotesForm(request.POST, case=case, user=request.user)
        if form.is_valid():
            try:
                contact = services.contact_log(
                    actor=request.user, case=case, client_key=form.cleaned_data["client_key"],
                    home_visit=selectors.visit_awaiting_notes(case, request.user), **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                done = "Visit notes already saved." if contact.replayed else "Home visit notes saved."
                messages.success(request, done)
                following = _tab_url(case.pk)
                if selectors.open_visit(case, request.user) is not None:
                    messages.warning(request, "You are still checked in: check out when you are safely away.")
                    following = reverse("contacts:home_visit", kwargs={"case_pk": case.pk})
                if _wants_json(request):
                    return JsonResponse({"ok": True, "contact": contact.pk, "replayed": contact.replayed,
                                         "message": done, "next": following})
                return redirect(following)
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": {k: [str(m) for m in v] for k, v in form.errors.items()}},
                                status=400)
        return self.render(request, case, context, form, status=400)

    def render(self, request, case, context, form, status=200):
        visit = selectors.open_visit(case, request.user)
        context.update(form=form, visit=visit, check_in=CheckInForm(), check_out=CheckOutForm(),
                       address=visit.address if visit else services.planned_address(case),
                       overdue=visit is not None and visit.expected_back_at < timezone.now(),
                       draft_key=f"casework:homevisit:{case.pk}:{request.user.pk}",
                       csrf_cookie=settings.CSRF_COOKIE_NAME)
        return render(request, "contacts/home_visit.html", context, status=status)


class CheckInView(PolicyView):
    action = "case.work"

    def post(self, request, case_pk: int):
        case, _ = case_page(request, case_pk, tab="contacts")
        form = CheckInForm(request.POST)
        minutes = form.cleaned_data["minutes"] if form.is_valid() else 60
        now = timezone.now()
        try:
            visit = services.home_visit_check_in(actor=request.user, case=case, now=now,
                                                 expected_back_at=now + datetime.timedelta(minutes=minutes))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Checked in. The office expects you back by "
                                      f"{timezone.localtime(visit.expected_back_at):%I:%M %p}.")
        return redirect(reverse("contacts:home_visit", kwargs={"case_pk": case.pk}))


class CheckOutView(PolicyView):
    """The worker's own "I'm safe", or a PPS leader closing it after reaching them by phone."""

    action = "case.work"

    def post(self, request, pk: int):
        leader = policy.has_action(request.user, "case.assign")
        visit = HomeVisit.objects.for_user(request.user, "case.assign" if leader else "case.work").filter(pk=pk).first()
        if visit is None or not (leader or visit.worker_id == request.user.pk):
            raise Http404
        form = CheckOutForm(request.POST)
        outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
        services.home_visit_check_out(actor=request.user, visit=visit, outcome=outcome)
        if request.POST.get("from") == "safety" and leader:
            messages.success(request, f"Marked safe: {visit.worker.get_full_name() or visit.worker.username}, "
                                      f"case {visit.case.number}.")
            return redirect("contacts:safety")
        messages.success(request, "Checked out. Glad you're safe.")
        return redirect(reverse("contacts:home_visit", kwargs={"case_pk": visit.case_id}))


class SafetyView(PolicyView):
    """Workers still out on home visits; those past their expected time first. No student named."""

    action = "case.assign"

    def get(self, request):
        now = timezone.now()
        out = (HomeVisit.objects.for_user(request.user, self.action).still_out()
               .select_related("worker", "case").order_by("expected_back_at"))
        rows = [{"visit": v, "late_minutes": int((now - v.expected_back_at).total_seconds() // 60)} for v in out]
        return render(request, "contacts/safety.html", {
            "overdue": [r for r in rows if r["late_minutes"] >= 0],
            "out_now": [r for r in rows if r["late_minutes"] < 0], "now": now})
