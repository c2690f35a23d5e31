"""The PPS office's case pages: transferring one case or a PPW's whole caseload at a school, the
Approvals queue of closure requests, and which case types need closure approval."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render

from casework.core import policy
from casework.core.errors import ConflictError
from casework.core.views import PolicyView

from .. import services
from ..assignments import case_assign, case_assign_bulk
from ..choices import CaseType
from ..forms import ApprovalDecisionForm, AssignForm, BulkReassignForm
from ..models import CaseAssignment, CaseTypeSetting, ClosureRequest
from ..selectors import case_page, caseload_to_move

CONFLICT = "This case was changed by someone else since you opened it. Check it, then submit again."


class CaseAssignView(PolicyView):
    action = "case.assign"

    def get(self, request, case_pk: int):
        case, ctx = case_page(request, case_pk, tab="timeline", action=self.action)
        return self.show(request, case, ctx, AssignForm(initial={"version": case.version}))

    def post(self, request, case_pk: int):
        case, ctx = case_page(request, case_pk, tab="timeline", action=self.action)
        form = AssignForm(request.POST)
        if form.is_valid():
            try:
                case_assign(actor=request.user, case=case, to_user=form.cleaned_data["to_user"],
                            reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"])
            except ConflictError:
                case.refresh_from_db()
                data = request.POST.copy()
                data["version"] = case.version
                form = AssignForm(data)
                form.is_valid()
                form.add_error(None, CONFLICT)
                return self.show(request, case, ctx | {"case": case}, form, 409)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Case {case.number} now belongs to {form.cleaned_data['to_user']}.")
                return redirect("cases:detail", case_pk=case.pk)
        return self.show(request, case, ctx, form, 400)

    def show(self, request, case, ctx, form, status=200):
        history = (CaseAssignment.objects.for_user(request.user, "case.work").filter(case=case)
                   .select_related("from_user", "to_user", "assigned_by"))
        return render(request, "cases/assign.html", ctx | {"form": form, "history": history}, status=status)


def restricted_message(n: int) -> str:
    return (f"{n} restricted case{'s' if n != 1 else ''} (crisis or child welfare) of this PPW "
            f"{'were' if n != 1 else 'was'} not moved: only the director can reassign {'them' if n != 1 else 'it'}.")


class BulkReassignView(PolicyView):
    """Pick whose open cases (optionally at one school), who takes them, preview the count, confirm."""

    action = "case.assign"

    def get(self, request):
        return render(request, "cases/reassign.html", {"form": BulkReassignForm(user=request.user)})

    def post(self, request):
        form = BulkReassignForm(request.POST, user=request.user)
        ctx = {"form": form}
        if not form.is_valid():
            return render(request, "cases/reassign.html", ctx, status=400)
        data = form.cleaned_data
        cases, restricted = caseload_to_move(request.user, self.action, owner=data["from_user"],
                                             school=data["school"] or None)
        ctx |= {"cases": cases, "count": len(cases), "preview": True,
                "restricted": restricted_message(restricted) if restricted else ""}
        if "confirm" not in request.POST:
            return render(request, "cases/reassign.html", ctx)
        # The caseload may have changed since the preview (a case closed, another opened): show it again.
        if request.POST.get("expected") != ",".join(str(c.pk) for c in cases):
            form.add_error(None, "The cases changed since the preview. Check the new list and confirm again.")
            return render(request, "cases/reassign.html", ctx, status=409)
        if not data["reason"].strip():
            form.add_error("reason", "Say why the cases change hands (e.g. school reassigned).")
            return render(request, "cases/reassign.html", ctx, status=400)
        try:
            moved = case_assign_bulk(actor=request.user, cases=cases, to_user=data["to_user"], reason=data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return render(request, "cases/reassign.html", ctx, status=400)
        messages.success(request, f"{len(moved)} case{'s' if len(moved) != 1 else ''} moved from "
                                  f"{data['from_user']} to {data['to_user']}. The history is kept on each case.")
        if restricted:
            messages.warning(request, restricted_message(restricted))
        return redirect("cases:reassign")


class ApprovalsView(PolicyView):
    action = "case.approve"

    def get(self, request):
        requests = (ClosureRequest.objects.for_user(request.user, self.action)
                    .filter(status=ClosureRequest.Status.PENDING)
                    .select_related("case", "case__owner", "requested_by").order_by("requested_on", "id"))
        return render(request, "cases/approvals.html", {
            "requests": requests, "form": ApprovalDecisionForm(),
            "can_manage": policy.has_action(request.user, "caseload.manage")})


class ApprovalDecideView(PolicyView):
    action = "case.approve"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        closure = (ClosureRequest.objects.for_user(request.user, self.action).select_related("case")
                   .filter(pk=pk).first())
        if closure is None:
            raise Http404
        form = ApprovalDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose approve or send back.")
            return redirect("cases:approvals")
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == "approve":
                case = services.closure_request_approve(actor=request.user, request=closure, note=note)
                messages.success(request, f"Closure of {case.number} approved: the case is closed.")
            else:
                case = services.closure_request_return(actor=request.user, request=closure, note=note)
                messages.success(request, f"{case.number} sent back to its owner (active again).")
        except ValidationError as exc:
            messages.error(request, f"{closure.case.number}: " + " ".join(exc.messages))
        return redirect("cases:approvals")


class CaseSettingsView(PolicyView):
    """Per case type: does closing need a supervisor's approval? (The director's page.)"""

    action = "caseload.manage"

    def rows(self, request):
        settings = {s.case_type: s for s in CaseTypeSetting.objects.for_user(request.user, self.action)}
        return [{"value": value, "label": label, "setting": settings.get(value),
                 "needs_approval": bool(settings.get(value) and settings[value].closure_needs_approval)}
                for value, label in CaseType.choices]

    def get(self, request):
        return render(request, "cases/settings.html", {"rows": self.rows(request)})

    def post(self, request):
        rows = self.rows(request)
        wanted = set(request.POST.getlist("needs_approval"))
        changed = 0
        try:
            with transaction.atomic():
                for row in rows:
                    if (row["value"] in wanted) == row["needs_approval"]:
                        continue
                    version = request.POST.get(f"version_{row['value']}") or None
                    services.case_type_setting_set(actor=request.user, case_type=row["value"],
                                                   closure_needs_approval=row["value"] in wanted,
                                                   expected_version=int(version) if version else None)
                    changed += 1
        except (ConflictError, ValueError):
            for row in rows:  # keep what was ticked
                row["needs_approval"] = row["value"] in wanted
            return render(request, "cases/settings.html", {
                "rows": rows, "conflict": "These settings were changed by someone else since you opened the page. "
                "Nothing was saved; check the boxes again and save."}, status=409)
        messages.success(request, f"Saved ({changed} change{'s' if changed != 1 else ''}).")
        return redirect("cases:settings")
