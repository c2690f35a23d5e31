"""The school early-warning list (page and exports) and the PPW's worklist of newly crossed thresholds.
Every page that shows students logs access to exactly the students it shows."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.calendars.schooldays import declared_day_mismatches
from casework.core import policy
from casework.core.paging import page_of
from casework.core.views import PolicyView
from casework.schools.models import School

from . import exports, selectors
from .forms import WORKLIST_SORT_CHOICES, EarlyWarningFilterForm, WorklistFilterForm
from .models import FlagCrossing, Flags
from .worklist import crossings_acknowledge

PAGE_SIZE = 50
FLAG_SHORT = {
    Flags.CHRONIC_ABSENT: "Chronic", Flags.HABITUAL_TRUANT: "Habitual truant", Flags.TRUANT_7_302_2: "7-302.2",
    Flags.ABC_ATTENDANCE: "ABC attendance", Flags.ABC_BEHAVIOR: "ABC suspended", Flags.ABC_COURSE: "ABC course",
}


def _school(user, code: str, action: str) -> School:
    try:
        return selectors.school_for(user, code, action)
    except School.DoesNotExist:
        raise Http404 from None


def _can_bulk_refer(user, school: School) -> bool:
    """The "refer these students" action (referrals app): this school's administrators and the PPS office."""
    if not policy.has_action(user, "referral.bulk"):
        return False
    ids = policy.school_ids_for(user, "referral.bulk")
    return ids is None or school.pk in ids


def _can_mail(user, school: School) -> bool:
    """The "generate letters" action (mailings app): whoever may send this school's batch letters."""
    if not policy.has_action(user, "mailing.run"):
        return False
    ids = policy.school_ids_for(user, "mailing.run")
    return ids is None or school.pk in ids


def _can_export(user, school: School) -> bool:
    if not policy.has_action(user, "student.export"):
        return False
    ids = policy.school_ids_for(user, "student.export")
    return ids is None or school.pk in ids


def _page_note(request, page) -> str:
    """core.paging.page_of shows the last page for a page past the end (and the first for nonsense or a
    number below 1): say so."""
    asked = request.GET.get("page")
    if not asked:
        return ""
    try:
        if int(asked) == page.number:
            return ""
    except ValueError:
        pass
    return f"There is no page {asked[:12]}; showing page {page.number} of {page.paginator.num_pages}."


OVERVIEW_MAX_SCHOOLS = 40


class EarlyWarningSchoolsView(PolicyView):
    """Pick a school: only the schools the user's roles reach, each with its flagged students counted."""

    action = "indicators.view"

    def get(self, request):
        schools = list(selectors.schools_for(request.user, self.action))
        # Counting reads every stored row of the schools: a third of a second for a whole district, whose
        # figures by school the dashboard keeps anyway. A PPW's or a principal's few schools cost ~40 ms.
        counted = len(schools) <= OVERVIEW_MAX_SCHOOLS
        if counted:
            overview = selectors.school_overview(request.user, schools)
            for school in schools:
                school.overview = overview[school.pk]
        return render(request, "indicators/schools.html", {
            "schools": schools, "counted": counted, "show_alerts": policy.has_action(request.user, "worklist.view"),
            "dashboard": not counted and policy.has_action(request.user, "reports.district")})


class EarlyWarningListMixin:
    """The filtered rows of one school, shared by the page and the exports."""

    def filtered(self, request, school):
        snapshot = selectors.snapshot_of(request.user, school)
        form = EarlyWarningFilterForm(request.GET or None, bands=snapshot.bands,
                                      show_cases=policy.has_action(request.user, "case.view"))
        if form.is_bound:
            form.is_valid()  # errors are shown; the valid filters still apply
        rows = selectors.early_warning_rows(request.user, school, filters=form.filters(), sort=form.sort_key())
        return snapshot, form, rows


class EarlyWarningView(EarlyWarningListMixin, PolicyView):
    action = "indicators.view"

    def get(self, request, code: str):
        school = _school(request.user, code, self.action)
        snapshot, form, rows = self.filtered(request, school)
        page = page_of(Paginator(rows, PAGE_SIZE), request.GET.get("page"))
        bands = {name: (label, i) for i, (name, label) in enumerate(snapshot.bands)}
        for row in page:
            row.band_label, row.band_level = bands.get(row.band, (row.band or "Not rated", "none"))
            row.flag_labels = [FLAG_SHORT[f] for f in Flags.values if getattr(row, f)]
        audit.log_access_many(actor=request.user, student_ids=[row.student_id for row in page],
                              action=AccessLog.Action.VIEW, purpose="early warning list", detail="early warning")
        return render(request, "indicators/early_warning.html", {
            "school": school, "snapshot": snapshot, "form": form, "page": page, "sort": form.sort_key(),
            "page_note": _page_note(request, page),
            "show_cases": "open_case" in form.fields, "can_export": _can_export(request.user, school),
            "can_bulk_refer": _can_bulk_refer(request.user, school),
            "can_mail": _can_mail(request.user, school),
            "can_refer": policy.has_action(request.user, "referral.create"),
            # A calendar whose days disagree with its declared count (holidays never sent) skews every rate.
            "calendar_notes": declared_day_mismatches([school.pk]),
        })


class EarlyWarningExportView(EarlyWarningListMixin, PolicyView):
    """The whole filtered list (every page) as CSV or XLSX; one access-log entry per exported student."""

    action = "student.export"
    types = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

    def get(self, request, code: str, fmt: str):
        if fmt not in self.types:
            raise Http404
        school = _school(request.user, code, self.action)
        if not policy.has_action(request.user, selectors.LIST_ACTION):
            raise Http404
        snapshot, form, rows = self.filtered(request, school)
        if form.is_bound and form.errors:
            # The list shows a bad filter and applies the rest; a file without it would hold students the user
            # filtered out. Nothing is exported (nor logged): back to the list, which shows the filter's error
            # beside it, with the same filters and a message saying why there is no file.
            said = " ".join(f"{form[name].label}: {e}" if name in form.fields else str(e)
                            for name, errors in form.errors.items() for e in errors)
            messages.error(request, f"Nothing was exported. {said} Correct the filter and export again.")
            back = reverse("indicators:early_warning", kwargs={"code": school.code})
            return redirect(f"{back}?{request.GET.urlencode()}")
        rows = list(rows)
        labels = dict(snapshot.bands)
        if fmt == "csv":
            body = exports.to_csv(rows, labels)
        else:
            body = exports.to_xlsx(rows, labels, title=f"Early warning, {school.name}")
        audit.log_access_many(actor=request.user, student_ids=[r.student_id for r in rows],
                              action=AccessLog.Action.EXPORT, purpose="export", detail=f"early warning {fmt}")
        day = snapshot.as_of or timezone.localdate()
        response = HttpResponse(body, content_type=self.types[fmt])
        response["Content-Disposition"] = f'attachment; filename="early-warning-{school.code}-{day:%Y-%m-%d}.{fmt}"'
        return response


WORKLIST_KEPT = ("flag", "grade", "crossed_since", "sort", "page")  # filters an Acknowledge returns to


class WorklistView(PolicyView):
    """Newly crossed thresholds nobody has acknowledged yet, filtered and sorted like the early-warning list:
    a filter that cannot be read (or a school that is not the user's) is left out with a message."""

    action = "worklist.view"

    def get(self, request):
        schools = list(selectors.schools_for(request.user, self.action))
        form = WorklistFilterForm(request.GET or None, schools=schools)
        if form.is_bound:
            form.is_valid()  # errors are shown; the valid filters still apply
        code = form.school_code()
        school = next((s for s in schools if s.code == code), None) if code else None
        filters, sort = form.filters(), form.sort_key()
        sort_label = dict(WORKLIST_SORT_CHOICES)[sort].lower()
        if school is None and len(schools) > OVERVIEW_MAX_SCHOOLS:
            # A district's alerts (109,734 on the seeded district) grouped and sorted take 0.3-0.6 s a page,
            # and the PPWs work them school by school: a district-wide user picks a school first.
            return render(request, "indicators/worklist.html", {
                "form": form, "page": None, "pick_school": len(schools), "sort": sort,
                "sort_label": sort_label, "school": None})
        form.show_flag_counts(selectors.worklist_flag_counts(request.user, school=school, filters=filters))
        groups = selectors.worklist_students(request.user, school=school, filters=filters, sort=sort)
        paginator = Paginator(groups, PAGE_SIZE)
        paginator.count = selectors.worklist_student_count(request.user, school=school, filters=filters)
        page = page_of(paginator, request.GET.get("page"))
        page.object_list = selectors.worklist_fill(request.user, page.object_list, school=school, filters=filters,
                                                   sort=sort)
        for row in page.object_list:
            for crossing in row.crossings:
                crossing.flag_label = Flags(crossing.flag).label
        audit.log_access_many(actor=request.user, student_ids=sorted({r.student.pk for r in page.object_list}),
                              action=AccessLog.Action.VIEW, purpose="worklist", detail="worklist")
        return render(request, "indicators/worklist.html", {
            "form": form, "page": page, "page_note": _page_note(request, page), "school": school, "sort": sort,
            "sort_label": sort_label,
            "can_acknowledge": policy.has_action(request.user, "crossing.acknowledge"),
            # What an Acknowledge form carries back (the school goes on its own): the list's own keys only.
            "kept_filters": [(key, request.GET[key][:40]) for key in WORKLIST_KEPT if request.GET.get(key)],
        })


MAX_ACKNOWLEDGED = 500  # a page shows 50 students with at most five alerts each


class CrossingsAcknowledgeView(PolicyView):
    """Acknowledge several alerts at once: a student's "Acknowledge all" or the alerts ticked on a page."""

    action = "crossing.acknowledge"
    http_method_names = ["post"]

    def post(self, request):
        raw = request.POST.getlist("crossing")
        ids = {int(x) for x in raw if x.isascii() and x.isdecimal() and len(x) < 12}
        if len(ids) > MAX_ACKNOWLEDGED:
            messages.warning(request, f"At most {MAX_ACKNOWLEDGED} alerts at a time. Nothing was changed.")
            return _back_to_worklist(request)
        if not ids or len(ids) != len(set(raw)):
            messages.warning(request, "Tick the alerts to acknowledge first. Nothing was changed.")
            return _back_to_worklist(request)
        crossings = list(FlagCrossing.objects.for_user(request.user, self.action).filter(pk__in=ids))
        if len(crossings) != len(ids):
            raise Http404  # one is not the user's to see: acknowledge none, say nothing about it
        done = crossings_acknowledge(actor=request.user, crossings=crossings)
        if done.done:
            stays = "It stays" if done.done == 1 else "They stay"
            said = f"{done.done} alert{pluralize(done.done)} acknowledged. {stays} in the record."
        else:
            said = "No alert was acknowledged."
        left = [f"{done.already} had already been acknowledged by {', '.join(done.already_by)}"] if done.already else []
        if done.lowered:
            left.append(f"{done.lowered} {pluralize(done.lowered, 'was,were')} lowered by a recompute since the page "
                        "was loaded")
        if left:
            messages.warning(request, f"{said} Left as they were: {'; '.join(left)}.")
        else:
            messages.success(request, said)
        return _back_to_worklist(request)


def _back_to_worklist(request):
    """Back to the list as it was filtered: only the worklist's own filter keys, each read again there."""
    kept = {key: request.POST.get(key, "")[:40] for key in WORKLIST_KEPT}
    kept = {key: value for key, value in kept.items() if value}
    code = request.POST.get("school", "")
    if code and School.objects.for_user(request.user, "worklist.view").filter(code=code).exists():
        kept = {"school": code, **kept}
    url = reverse("indicators:worklist")
    return redirect(url + ("?" + urlencode(kept) if kept else ""))
