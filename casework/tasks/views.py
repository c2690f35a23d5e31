"""Task pages: the case's Tasks tab (add, edit, complete, cancel, reopen), "My tasks", and the
personal calendar feed (its settings page and the public .ics URL)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.cases.selectors import case_page
from casework.core.errors import ConflictError
from casework.core.views import PolicyView, parse_id, public

from . import feeds, services
from .choices import TaskKind, TaskStatus
from .forms import MISSING_VERSION, CancelForm, TaskEditForm, TaskForm
from .models import Task

CONFLICT = ("This task was changed by someone else since you opened it. Nothing was saved: check the current "
            "values below, then save again to keep yours.")
FIELDS = ("kind", "title", "due_on", "starts_at", "location", "assignee", "details")


def _task(user, case_pk: int, pk: int) -> Task:
    task = (Task.objects.for_user(user, "case.work").select_related("case", "assignee")
            .filter(pk=pk, case_id=case_pk).first())
    if task is None:
        raise Http404
    return task


def _tab_url(case_pk: int) -> str:
    return reverse("tasks:case_tasks", kwargs={"case_pk": case_pk})


class CaseTasksView(PolicyView):
    """Open tasks by due date (overdue marked), then done and cancelled ones; the add form."""

    action = "case.work"

    def get(self, request, case_pk: int, form: TaskForm | None = None):
        case, context = case_page(request, case_pk, tab="tasks")
        form = form or TaskForm(user=request.user, case=case)
        return self.page(request, case, context, form)

    def post(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="tasks")
        form = TaskForm(request.POST, user=request.user, case=case)
        if not case.is_open:
            form.add_error(None, "The case is closed: reopen it to add tasks.")
        if form.is_valid():
            try:
                task = services.task_create(actor=request.user, case=case, kind=form.cleaned_data["kind"],
                                            **form.service_fields())
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"{task.get_kind_display()} added: {task.title}, due "
                                          f"{task.due_on:%m/%d/%Y}.")
                return redirect(_tab_url(case.pk))
        return self.page(request, case, context, form, status=400)

    def page(self, request, case, context, form, status: int = 200):
        today = timezone.localdate()
        tasks = list(Task.objects.for_user(request.user, self.action).filter(case=case)
                     .select_related("assignee").order_by("due_on", "starts_at", "pk"))
        for t in tasks:
            t.overdue = t.is_overdue(today)
            t.due_today = t.is_open and t.due_on == today
        context.update({
            "form": form, "today": today,
            "open_tasks": [t for t in tasks if t.status == TaskStatus.OPEN],
            "closed_tasks": sorted((t for t in tasks if t.status != TaskStatus.OPEN),
                                   key=lambda t: (t.completed_on or t.due_on), reverse=True),
            "can_add": case.is_open,
        })
        return render(request, "tasks/case_tasks.html", context, status=status)


class TaskEditView(PolicyView):
    action = "case.work"

    def get(self, request, case_pk: int, pk: int):
        case, context = case_page(request, case_pk, tab="tasks")
        task = _task(request.user, case.pk, pk)
        initial = {"kind": task.kind, "title": task.title, "due_on": task.due_on, "location": task.location,
                   "starts_at": timezone.localtime(task.starts_at) if task.starts_at else None,
                   "assignee": str(task.assignee_id or ""), "details": task.details, "version": task.version}
        form = self._form(request, case, task, initial=initial)
        return self.page(request, context, task, form)

    def post(self, request, case_pk: int, pk: int):
        case, context = case_page(request, case_pk, tab="tasks")
        task = _task(request.user, case.pk, pk)
        form = self._form(request, case, task, data=request.POST)
        current = None
        if form.is_valid():
            try:
                services.task_update(actor=request.user, task=task,
                                     expected_version=form.cleaned_data["version"], **form.service_fields())
            except ConflictError:
                current = _task(request.user, case.pk, pk)
                form.add_error(None, CONFLICT)
                # The user's input stays in the form; the next save is a deliberate overwrite.
                data = request.POST.copy()
                data["version"] = current.version
                form.data = data
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Saved: {form.cleaned_data['title']}.")
                return redirect(_tab_url(case.pk))
        return self.page(request, context, current or task, form, conflict=current, status=400 if not current
                         else 409)

    def _form(self, request, case, task, **kwargs):
        form = TaskEditForm(user=request.user, case=case, **kwargs)
        form.fields["kind"].disabled = True  # a task does not become a meeting; add a meeting instead
        form.fields["kind"].initial = task.kind
        if task.assignee_id and str(task.assignee_id) not in dict(form.fields["assignee"].choices):
            form.fields["assignee"].choices += [(str(task.assignee_id), str(task.assignee))]
        return form

    def page(self, request, context, task, form, conflict=None, status: int = 200):
        context.update({"task": task, "form": form, "conflict": conflict})
        return render(request, "tasks/edit.html", context, status=status)


class TaskCompleteView(PolicyView):
    action = "case.work"
    http_method_names = ["post"]

    def post(self, request, case_pk: int, pk: int):
        task = _task(request.user, case_pk, pk)
        version = _version(request)
        if version is None:
            messages.warning(request, MISSING_VERSION)
            return redirect(_next(request, case_pk))
        try:
            services.task_complete(actor=request.user, task=task, expected_version=version)
        except ConflictError:
            messages.warning(request, "This task was changed by someone else since you opened it; nothing was "
                                      "saved. Check it below and mark it done again if it still is.")
        except ValidationError as exc:
            messages.warning(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Done: {task.title}. It is on the case timeline.")
        return redirect(_next(request, case_pk))


class TaskReopenView(PolicyView):
    action = "case.work"
    http_method_names = ["post"]

    def post(self, request, case_pk: int, pk: int):
        task = _task(request.user, case_pk, pk)
        version = _version(request)
        if version is None:
            messages.warning(request, MISSING_VERSION)
            return redirect(_next(request, case_pk))
        try:
            services.task_reopen(actor=request.user, task=task, expected_version=version)
        except ConflictError:
            messages.warning(request, "This task was changed by someone else since you opened it; nothing was saved.")
        except ValidationError as exc:
            messages.warning(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Reopened: {task.title}.")
        return redirect(_next(request, case_pk))


class TaskCancelView(PolicyView):
    """Cancelling asks why; the reason stays on the task and the case timeline."""

    action = "case.work"

    def get(self, request, case_pk: int, pk: int):
        case, context = case_page(request, case_pk, tab="tasks")
        task = _task(request.user, case.pk, pk)
        return self.page(request, context, task, CancelForm(initial={"version": task.version}))

    def post(self, request, case_pk: int, pk: int):
        case, context = case_page(request, case_pk, tab="tasks")
        task = _task(request.user, case.pk, pk)
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.task_cancel(actor=request.user, task=task, reason=form.cleaned_data["reason"],
                                     expected_version=form.cleaned_data["version"])
            except ConflictError:
                form.add_error(None, CONFLICT)
                data = request.POST.copy()
                data["version"] = _task(request.user, case.pk, pk).version
                form.data = data
                task = _task(request.user, case.pk, pk)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Cancelled: {task.title}.")
                return redirect(_tab_url(case.pk))
        return self.page(request, context, task, form, status=400)

    def page(self, request, context, task, form, status: int = 200):
        context.update({"task": task, "form": form})
        return render(request, "tasks/cancel.html", context, status=status)


def _version(request) -> int | None:
    """The version the button's page showed; None when missing or not a number (then nothing is saved)."""
    return parse_id(request.POST.get("version"))


def _next(request, case_pk: int) -> str:
    """Back where the button was pressed: My day, My tasks, or the case tab (only our own pages)."""
    allowed = {reverse("tasks:my_tasks"), reverse("caseloads:my_day")}
    target = request.POST.get("next", "")
    return target if target in allowed else _tab_url(case_pk)


class MyTasksView(PolicyView):
    """Everything assigned to me that is still open, by due date; the last two weeks' done ones below."""

    action = "myday.view"

    def get(self, request):
        today = timezone.localdate()
        mine = (Task.objects.for_user(request.user, "case.work").filter(assignee=request.user)
                .select_related("case__student").order_by("due_on", "starts_at", "pk"))
        open_tasks = list(mine.filter(status=TaskStatus.OPEN))
        done = list(mine.filter(status=TaskStatus.DONE, completed_on__gte=today - datetime.timedelta(days=14))
                    .order_by("-completed_on", "-pk"))
        for t in open_tasks:
            t.overdue, t.due_today = t.is_overdue(today), t.due_on == today
        audit.log_access_many(actor=request.user, student_ids=sorted({t.case.student_id for t in open_tasks + done}),
                              action=AccessLog.Action.VIEW, purpose="my tasks", detail="my tasks")
        return render(request, "tasks/my_tasks.html", {
            "open_tasks": open_tasks, "done_tasks": done, "today": today,
            "overdue_count": sum(1 for t in open_tasks if t.overdue),
            "meeting": TaskKind.MEETING,
        })


class FeedView(PolicyView):
    """Make, replace or revoke the secret calendar URL. The URL is shown once, right after making it."""

    action = "feed.manage_own"

    def get(self, request):
        return self.page(request)

    def post(self, request):
        op = request.POST.get("op")
        if op == "create":
            token = services.feed_issue(actor=request.user, user=request.user)
            url = request.build_absolute_uri(reverse("tasks:feed_ics", kwargs={"token": token}))
            return self.page(request, new_url=url)
        if op == "revoke":
            if services.feed_revoke(actor=request.user, user=request.user):
                messages.success(request, "Your calendar URL no longer works. Calendars using it stop updating.")
            else:
                messages.info(request, "You had no calendar URL.")
            return redirect("tasks:feed")
        return self.page(request, error="Choose to make a calendar URL or to turn it off.", status=400)

    def page(self, request, new_url: str = "", error: str = "", status: int = 200):
        return render(request, "tasks/feed.html", {"live": feeds.live_feed_of(request.user), "new_url": new_url,
                                                   "error": error}, status=status)


@public
def feed_ics(request, token: str):
    """The calendar itself. The token is the credential: unknown or revoked answers 404."""
    owner = feeds.owner_of(token)
    if owner is None:
        raise Http404
    body = feeds.calendar_for(owner)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="casework.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
