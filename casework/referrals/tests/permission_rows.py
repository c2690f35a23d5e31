"""Who opens which referral page (merged into tests/test_permission_matrix.py).

Roles: director supervisor ppw school_admin school_staff data_steward auditor none anonymous.
referral_a: student A (school A), made by the school-A teacher; referral_b: student B, made by the
director. The decision URLs are POST only: a role that may decide gets 405 on GET, whichever school."""

from __future__ import annotations

from casework.core.testing.permissions import Rule, lazy


def referral(objs: dict, school: str = "a"):
    from casework.referrals.services import referral_create

    world = objs["world"]
    if school == "a":
        return lazy(objs, "referral_a", lambda: referral_create(
            actor=world.user("school_staff"), student=world.student_a, school=world.school_a,
            reasons=["attendance"], details="Absent most Mondays.", already_tried="Two calls home."))
    return lazy(objs, "referral_b", lambda: referral_create(
        actor=world.user("director"), student=world.student_b, school=world.school_b,
        reasons=["family"], details="Nguyen family asked for help.", already_tried="Counselor met the student."))


def _a(objs):
    return {"pk": referral(objs, "a").pk}


def _b(objs):
    return {"pk": referral(objs, "b").pk}


REFERRERS = (200, 200, 200, 200, 200, 404, 404, 404, 302)
DECIDERS = (405, 405, 405, 404, 404, 404, 404, 404, 302)

ROWS = {
    "referrals:pick": Rule(get=REFERRERS, post=REFERRERS),
    "referrals:new": Rule(
        kwargs=lambda o: {"student_pk": o["student_a"].pk}, get=REFERRERS,
        kwargs_out=lambda o: {"student_pk": o["student_b"].pk}, get_out=(200, 200, 404, 404, 404, 404, 404, 404, 302),
    ),
    # Bulk is POST only (from the early-warning list): 405 on GET for the roles that have referral.bulk.
    "referrals:bulk": Rule(
        kwargs=lambda o: {"code": o["school_a"].code}, get=(405, 405, 404, 405, 404, 404, 404, 404, 302),
        kwargs_out=lambda o: {"code": o["school_b"].code}, get_out=(405, 405, 404, 405, 404, 404, 404, 404, 302),
    ),
    "referrals:triage": Rule(get=(200, 200, 200, 404, 404, 404, 404, 404, 302)),
    "referrals:mine": Rule(get=REFERRERS),
    # The teacher sees the referral they made (OWN); the principal those of the school's current students.
    "referrals:detail": Rule(kwargs=_a, get=REFERRERS,
                             kwargs_out=_b, get_out=(200, 200, 404, 404, 404, 404, 404, 404, 302)),
    **{name: Rule(kwargs=_a, get=DECIDERS, kwargs_out=_b, get_out=DECIDERS)
       for name in ("referrals:accept", "referrals:return", "referrals:forward")},
    "referrals:withdraw": Rule(kwargs=_a, get=(405, 405, 405, 405, 405, 404, 404, 404, 302),
                               kwargs_out=_b, get_out=(405, 405, 405, 405, 405, 404, 404, 404, 302)),
    "api:referral-list": Rule(api=True, get=(200, 200, 200, 200, 200, 404, 404, 404, 401)),
    "api:referral-detail": Rule(api=True, kwargs=_a, get=(200, 200, 200, 200, 200, 404, 404, 404, 401),
                                kwargs_out=_b, get_out=(200, 200, 404, 404, 404, 404, 404, 404, 401)),
}
