"""The Hearings tab of a case, scheduling / changing / closing a hearing, the packets, and the calendar
of upcoming hearings."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from casework.cases.selectors import case_for, case_page
from casework.core import policy
from casework.core.errors import ConflictError
from casework.core.views import PolicyView
from casework.letters.pdffonts import unprintable

from . import letters_link, services
from . import packet as packets
from .choices import HearingStatus, PacketKind
from .forms import HearingEditForm, HearingForm, OutcomeForm
from .models import Hearing

CONFLICT = ("This hearing was changed by someone else since you opened it. Your changes are below, not saved; "
            "compare them with the saved version and save again.")
CALENDAR_DAYS = 60


def _tab_url(case_pk: int) -> str:
    return reverse("hearings:case_hearings", kwargs={"case_pk": case_pk})


class CaseHearingsView(PolicyView):
    """Every hearing of the case, newest first, with what to do next on each, and the packet buttons."""

    action = "case.work"

    def get(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="hearings")
        hearings = (Hearing.objects.for_user(request.user, "case.work").filter(case=case)
                    .select_related("meeting_task", "follow_up_task").order_by("-scheduled_at", "-id"))
        letters = letters_link.letters_by_id(case, request.user)
        for h in hearings:  # the linked letters as the letters app has them now (mailed or not)
            h.notice_letter = letters.get(h.notice_letter_id)
            h.contract_letter = letters.get(h.contract_letter_id)
            # The buttons follow the service's own rules (what it would refuse is not offered).
            h.can_notice = not services.notice_refusal(h)
            h.can_contract = not services.contract_refusal(h)
        can_packet = policy.can(request.user, "packet.generate", case)
        # Said beside the buttons, before the download: a download leaves the user on this page, so a message
        # queued with the PDF would appear only on whatever page they open next. A packet has no Word copy:
        # what its PDF cannot print has to be written in.
        packet_unprintable = unprintable(packets.record_text(case=case, user=request.user)) if can_packet else ""
        context.update(hearings=hearings, packets=PacketKind.choices, letters_app=letters_link.available(),
                       can_packet=can_packet, packet_unprintable=packet_unprintable)
        return render(request, "hearings/case_hearings.html", context)


class ScheduleView(PolicyView):
    action = "case.work"

    def get(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="hearings")
        return self.render(request, context, HearingForm(case=case, user=request.user))

    def post(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="hearings")
        form = HearingForm(request.POST, case=case, user=request.user)
        if form.is_valid():
            try:
                hearing = services.hearing_schedule(actor=request.user, case=case, **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"{hearing.short_name} scheduled for "
                                          f"{timezone.localtime(hearing.scheduled_at):%m/%d/%Y %I:%M %p}; "
                                          "it is on the owner's My day and calendar feed.")
                return redirect(_tab_url(case.pk))
        return self.render(request, context, form, status=400)

    def render(self, request, context, form, status=200):
        context.update(form=form, heading="Schedule a hearing", submit="Schedule")
        return render(request, "hearings/hearing_form.html", context, status=status)


class _OneHearing(PolicyView):
    action = "case.work"

    def load(self, request, pk: int):
        hearing = Hearing.objects.for_user(request.user, "case.work").filter(pk=pk).first()
        if hearing is None:
            raise Http404
        case, context = case_page(request, hearing.case_id, tab="hearings")
        hearing.case = case
        context["hearing"] = hearing
        return hearing, case, context


class HearingEditView(_OneHearing):
    """Move it, change who is invited or the notice, postpone or cancel it (version-checked)."""

    def get(self, request, pk: int):
        hearing, case, context = self.load(request, pk)
        if hearing.status in (HearingStatus.HELD, HearingStatus.CANCELLED):
            messages.info(request, f"This hearing is {hearing.get_status_display().lower()}: it can no longer change.")
            return redirect(_tab_url(case.pk))
        return self.render(request, context, HearingEditForm(case=case, user=request.user, hearing=hearing))

    def post(self, request, pk: int):
        hearing, case, context = self.load(request, pk)
        form = HearingEditForm(request.POST, case=case, user=request.user)
        if form.is_valid():
            had_notice = bool(hearing.notice_sent_on or hearing.notice_letter_id)
            try:
                saved = services.hearing_update(actor=request.user, hearing=hearing,
                                                expected_version=form.cleaned_data["version"],
                                                **form.service_kwargs())
            except ConflictError:
                hearing.refresh_from_db()
                data = request.POST.copy()
                data["version"] = hearing.version  # the next save is a deliberate choice over the newer version
                form = HearingEditForm(data, case=case, user=request.user)
                form.is_valid()
                context["hearing"] = hearing
                return self.render(request, context, form, conflict=True, status=409)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                if had_notice and not (saved.notice_sent_on or saved.notice_letter_id):
                    messages.warning(request, "Hearing updated. The earlier notice no longer stands for it: "
                                              "send the family a new notice.")
                else:
                    messages.success(request, "Hearing updated.")
                return redirect(_tab_url(case.pk))
        return self.render(request, context, form, status=400)

    def render(self, request, context, form, conflict=False, status=200):
        context.update(form=form, heading=f"Change: {context['hearing'].short_name}", submit="Save changes",
                       conflict=conflict, conflict_message=CONFLICT)
        return render(request, "hearings/hearing_form.html", context, status=status)


class OutcomeView(_OneHearing):
    """Record that it was held: who came, the outcome, the contract terms and the follow-up date."""

    def get(self, request, pk: int):
        hearing, case, context = self.load(request, pk)
        initial = {"family_attendance": hearing.family_attendance, "attended": hearing.attended or
                   hearing.participants_label, "outcome": hearing.outcome, "agreements": hearing.agreements,
                   "follow_up_on": hearing.follow_up_on, "version": hearing.version}
        return self.render(request, context, OutcomeForm(initial=initial))

    def post(self, request, pk: int):
        hearing, case, context = self.load(request, pk)
        form = OutcomeForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.hearing_record_outcome(
                    actor=request.user, hearing=hearing, expected_version=d["version"],
                    family_attendance=d["family_attendance"], attended=d["attended"], outcome=d["outcome"],
                    agreements=d["agreements"], follow_up_on=d["follow_up_on"])
            except ConflictError:
                hearing.refresh_from_db()
                data = request.POST.copy()
                data["version"] = hearing.version
                form = OutcomeForm(data)
                form.is_valid()
                context["hearing"] = hearing
                return self.render(request, context, form, conflict=True, status=409)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Outcome recorded." + (" Follow-up task added." if d["follow_up_on"] else ""))
                return redirect(_tab_url(case.pk))
        return self.render(request, context, form, status=400)

    def render(self, request, context, form, conflict=False, status=200):
        context.update(form=form, conflict=conflict, conflict_message=CONFLICT)
        return render(request, "hearings/outcome_form.html", context, status=status)


LETTER_CONFLICT = ("This hearing was changed by someone else since you opened the page, so no letter was made. "
                   "Check the hearing below and press the button again.")


class HearingLetterView(_OneHearing):
    """POST: make the hearing notice or the attendance contract from this hearing and link it."""

    def post(self, request, pk: int, which: str):
        if which not in services.HEARING_LETTERS or not letters_link.available():
            raise Http404
        hearing, case, context = self.load(request, pk)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None  # an old page without the field: no version check rather than a 400
        try:
            letter = services.hearing_letter_generate(actor=request.user, hearing=hearing, which=which,
                                                      expected_version=version)
        except ConflictError:
            messages.error(request, LETTER_CONFLICT)
        except ValidationError as exc:
            messages.error(request, "No letter made: " + " ".join(exc.messages))
        else:
            # No names in the flash message: the page below shows the addressee.
            messages.success(request, f"{letter.title} made ({letter.language_label}). "
                                      "Download and print it below; record the mailing on the Letters tab.")
        return redirect(_tab_url(case.pk) + f"#hearing-{hearing.pk}")


class PacketView(PolicyView):
    """POST: the packet PDF, generated now from the record, as a download named by case number and date."""

    action = "packet.generate"

    def post(self, request, case_pk: int, kind: str):
        if kind not in PacketKind.values:
            raise Http404
        case = case_for(request.user, case_pk, "packet.generate")
        try:
            packet = services.packet_generate(actor=request.user, case=case, kind=kind)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_tab_url(case.pk))
        response = HttpResponse(packet.pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{packet.filename}"'
        response["Cache-Control"] = "no-store"
        return response


class CalendarView(PolicyView):
    """Upcoming hearings of the user's cases (a director or supervisor: all), the next 60 days by week."""

    action = "case.work"

    def get(self, request):
        today = timezone.localdate()
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        hearings = (Hearing.objects.for_user(request.user, "case.work")
                    .upcoming(start, start + datetime.timedelta(days=CALENDAR_DAYS))
                    .select_related("case__owner").order_by("scheduled_at", "id"))
        weeks: dict[datetime.date, list[Hearing]] = {}
        for h in hearings:
            day = timezone.localtime(h.scheduled_at).date()
            weeks.setdefault(day - datetime.timedelta(days=day.weekday()), []).append(h)
        return render(request, "hearings/calendar.html", {
            "weeks": sorted(weeks.items()), "today": today, "until": today + datetime.timedelta(days=CALENDAR_DAYS),
            "days": CALENDAR_DAYS, "count": sum(len(v) for v in weeks.values())})
