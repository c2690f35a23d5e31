"""My day (where a PPW starts), the director's caseload dashboard and the caseload weights."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.core import policy
from casework.core.errors import ConflictError
from casework.core.views import PolicyView

from . import dashboard
from .forms import WeightsForm
from .models import CaseloadWeight
from .myday import my_day
from .services import caseload_weights_update


class MyDayView(PolicyView):
    action = "myday.view"

    def get(self, request):
        day = my_day(request.user)
        audit.log_access_many(actor=request.user, student_ids=day.student_ids(), action=AccessLog.Action.VIEW,
                              purpose="my day", detail="my day")
        return render(request, "caseloads/my_day.html", {
            "day": day, "can_worklist": policy.has_action(request.user, "worklist.view"),
            # the referrals card's include reads these two names
            "referrals": day.referrals, "referrals_total": day.referrals_total, "referrals_more": day.referrals_more,
        })


def cases_of_owner_url(owner_id: int) -> str:
    """The cases list (the cases app's) showing this owner's open cases."""
    try:
        base = reverse("cases:list")
    except NoReverseMatch:  # pragma: no cover - the cases app is installed with this one
        base = "/cases/"
    return f"{base}?{urlencode({'scope': 'all', 'status': 'open_any', 'owner': owner_id})}"


class CaseloadDashboardView(PolicyView):
    action = "caseload.view"

    def get(self, request):
        data = dashboard.build(request.user)
        for row in data.ppws:
            row.url = cases_of_owner_url(row.key)
            row.diff = row.weighted - data.average_weighted
        type_columns = [(v, label) for v, label, _w, n in data.types if n]
        for row in [*data.ppws, data.unassigned]:
            row.type_counts = [row.by_type[v] for v, _label in type_columns]
        biggest = max([r.weighted for r in data.ppws] + [data.average_weighted, 1])
        for row in data.ppws:
            row.bar = int(row.weighted / biggest * 100)
        return render(request, "caseloads/dashboard.html", {
            "d": data, "age_labels": [label.removesuffix(" days") for label, *_ in dashboard.AGE_BANDS],
            "type_columns": type_columns,
            "average_bar": int(data.average_weighted / biggest * 100),
            "can_manage": policy.has_action(request.user, "caseload.manage"),
        })


class WeightsView(PolicyView):
    action = "caseload.manage"

    def rows(self, request) -> dict:
        return {w.case_type: w for w in CaseloadWeight.objects.for_user(request.user, self.action)}

    def get(self, request):
        return render(request, "caseloads/weights.html", {"form": WeightsForm(rows=self.rows(request))})

    def post(self, request):
        form = WeightsForm(request.POST, rows=self.rows(request))
        if form.is_valid():
            try:
                caseload_weights_update(actor=request.user, weights=form.weights(),
                                        expected_versions=form.versions())
            except ConflictError:
                form.add_error(None, "These weights were changed by someone else since you opened the page. "
                                     "Nothing was saved; the current weights are listed beside yours. Save again "
                                     "to keep yours.")
                data = request.POST.copy()
                current = self.rows(request)
                for case_type, row in current.items():
                    data[f"v_{case_type}"] = row.version
                form.data = data
                form.current = current
                return render(request, "caseloads/weights.html", {"form": form, "current": current}, status=409)
            except ValidationError as exc:
                form.add_error(None, "; ".join(exc.messages))
            else:
                messages.success(request, "Caseload weights saved. The dashboard uses them now.")
                return redirect("caseloads:dashboard")
        return render(request, "caseloads/weights.html", {"form": form}, status=400)
