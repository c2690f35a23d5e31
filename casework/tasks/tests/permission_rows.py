"""Who may open the task pages, the calendar feed and the task API (merged into tests/test_permission_matrix.py)."""

import datetime

from casework.core.testing.permissions import Rule, case_in, lazy

#                  director supervisor ppw school_admin school_staff data_steward auditor none anonymous
WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 302)
WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 302)
POST_ONLY = (405, 405, 405, 404, 404, 404, 404, 404, 302)
API_WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 401)
API_WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 401)


def task_in(objs, school: str = "a"):
    from casework.tasks.services import task_create

    return lazy(objs, f"task_{school}", lambda: task_create(
        actor=None, case=case_in(objs, school), title="Call the grandmother", due_on=datetime.date(2025, 10, 1)))


def _task_kwargs(school):
    return lambda o: {"case_pk": case_in(o, school).pk, "pk": task_in(o, school).pk}


def _live_token(objs):
    from casework.tasks.services import feed_issue

    return lazy(objs, "feed_live", lambda: feed_issue(actor=None, user=objs["world"].user("ppw")))


def _revoked_token(objs):
    from casework.tasks.services import feed_issue, feed_revoke

    def make():
        user = objs["world"].user("supervisor")
        token = feed_issue(actor=None, user=user)
        feed_revoke(actor=None, user=user)
        return token

    return lazy(objs, "feed_revoked", make)


ROWS = {
    "tasks:case_tasks": Rule(get=WORKERS, kwargs=lambda o: {"case_pk": case_in(o, "a").pk},
                             get_out=WORKERS_OUT, kwargs_out=lambda o: {"case_pk": case_in(o, "b").pk}),
    **{name: Rule(get=WORKERS, kwargs=_task_kwargs("a"), get_out=WORKERS_OUT, kwargs_out=_task_kwargs("b"))
       for name in ("tasks:task_edit", "tasks:task_cancel")},
    # Completing and reopening are POSTs; a GET answers 405 to those who work cases, whichever school.
    **{name: Rule(get=POST_ONLY, kwargs=_task_kwargs("a"), get_out=POST_ONLY, kwargs_out=_task_kwargs("b"))
       for name in ("tasks:task_complete", "tasks:task_reopen")},
    "tasks:my_tasks": Rule(get=WORKERS),
    "tasks:feed": Rule(get=WORKERS),
    # The feed URL is public: the token is the credential. A revoked token answers 404 to everyone.
    "tasks:feed_ics": Rule(get=(200,) * 9, kwargs=lambda o: {"token": _live_token(o)},
                           get_out=(404,) * 9, kwargs_out=lambda o: {"token": _revoked_token(o)}),
    "api:task-list": Rule(api=True, get=API_WORKERS),
    "api:task-detail": Rule(api=True, get=API_WORKERS, kwargs=lambda o: {"pk": task_in(o, "a").pk},
                            get_out=API_WORKERS_OUT, kwargs_out=lambda o: {"pk": task_in(o, "b").pk}),
    "api:task-complete": Rule(api=True, get=(405, 405, 405, 404, 404, 404, 404, 404, 401),
                              kwargs=lambda o: {"pk": task_in(o, "a").pk},
                              get_out=(405, 405, 405, 404, 404, 404, 404, 404, 401),
                              kwargs_out=lambda o: {"pk": task_in(o, "b").pk}),
}
