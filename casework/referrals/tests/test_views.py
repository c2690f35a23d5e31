"""The referral pages as a teacher, a principal and a PPW use them: refer, decide, follow the status,
and what each of them must never see."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases.choices import EventKind
from casework.cases.timeline import timeline_record
from casework.core.testing import factories as f
from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.referrals import services
from casework.referrals.models import Referral
from casework.rules.models import RuleSet

from .helpers import D, refer

pytestmark = pytest.mark.django_db

FORM = {"reasons": ["attendance", "family"], "urgency": "soon", "details": "Absent every Monday since October.",
        "already_tried": "Two calls home, one conference."}


def client(world, role: str) -> Client:
    c = Client()
    c.force_login(world.user(role))
    return c


def test_a_teacher_finds_a_student_and_refers_them(world):
    teacher = client(world, "school_staff")
    found = teacher.post(reverse("referrals:pick"), {"q": "garcia"})
    assert found.status_code == 200
    assert list(found.context["results"]) == [world.student_a]
    assert reverse("referrals:new", args=[world.student_a.pk]) in found.content.decode()
    assert list(teacher.post(reverse("referrals:pick"), {"q": "nguyen"}).context["results"]) == []  # school B
    form = teacher.get(reverse("referrals:new", args=[world.student_a.pk]))
    assert form.status_code == 200 and "What has the school already tried?" in form.content.decode()
    sent = teacher.post(reverse("referrals:new", args=[world.student_a.pk]), FORM | {"school": world.school_a.pk})
    r = Referral.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse("referrals:detail", args=[r.pk])
    assert (r.reasons, r.urgency, r.referred_by) == (["attendance", "family"], "soon", world.user("school_staff"))
    mine = teacher.get(reverse("referrals:mine"))
    assert r.number in mine.content.decode() and "Submitted" in mine.content.decode()


def test_a_referral_missing_what_was_tried_is_shown_again_with_the_text_kept(world):
    teacher = client(world, "school_staff")
    response = teacher.post(reverse("referrals:new", args=[world.student_a.pk]),
                            FORM | {"school": world.school_a.pk, "already_tried": " "})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Say what the school already tried" in page
    assert "Absent every Monday since October." in page
    assert not Referral.objects.exists()


def test_an_out_of_scope_student_cannot_be_referred(world):
    teacher = client(world, "school_staff")
    url = reverse("referrals:new", args=[world.student_b.pk])
    assert teacher.get(url).status_code == 404
    assert teacher.post(url, FORM | {"school": world.school_b.pk}).status_code == 404
    assert not Referral.objects.exists()


def test_the_student_page_offers_refer_to_those_who_may(world):
    url = reverse("students:detail", args=[world.student_a.pk])
    refer_url = reverse("referrals:new", args=[world.student_a.pk])
    assert refer_url in client(world, "school_admin").get(url).content.decode()
    assert refer_url not in client(world, "data_steward").get(url).content.decode()


def test_the_referrer_sees_status_and_notes_for_them_but_never_the_case(world):
    r = refer(world)
    ppw = world.user("ppw")
    r = services.referral_accept(actor=ppw, referral=r, case_type="attendance", note="I will call the family.",
                                 today=D(2025, 11, 20))
    timeline_record(case=r.case, kind=EventKind.NOTE, actor=ppw, summary="Mother disclosed an eviction notice")
    teacher_page = client(world, "school_staff").get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert "Accepted" in teacher_page and "I will call the family." in teacher_page
    assert "eviction" not in teacher_page
    assert r.case.number not in teacher_page  # not even which case
    assert "Follow up with referrer" not in teacher_page
    ppw_page = client(world, "ppw").get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert r.case.number in ppw_page
    assert "eviction" not in ppw_page  # the case's notes live on the case pages, not here


def test_another_teacher_gets_404_for_a_referral_they_did_not_make(world):
    r = refer(world)
    f.user(username="t-teacher2", role="school_staff", schools=[world.school_a])
    other = Client()
    other.force_login(world.users["school_staff"].__class__.objects.get(username="t-teacher2"))
    assert other.get(reverse("referrals:detail", args=[r.pk])).status_code == 404
    assert r.number not in other.get(reverse("referrals:mine")).content.decode()


def test_a_ppw_triages_from_the_queue(world):
    r = refer(world, urgency="urgent")
    ppw = client(world, "ppw")
    queue = ppw.get(reverse("referrals:triage")).content.decode()
    assert r.number in queue and "Urgent" in queue
    page = ppw.get(reverse("referrals:detail", args=[r.pk]))
    assert page.context["accept_form"]["case_type"].value() == "attendance"  # preselected from the reason
    response = ppw.post(reverse("referrals:accept", args=[r.pk]),
                        {"version": r.version, "into": "new", "case_type": "attendance",
                         "owner": world.user("ppw").pk, "note": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("referrals:detail", args=[r.pk])
    r.refresh_from_db()
    assert r.status == "accepted" and r.case.owner == world.user("ppw")
    assert r.number not in ppw.get(reverse("referrals:triage")).content.decode()


def test_a_decision_on_a_stale_page_keeps_what_was_typed(world):
    r = refer(world)
    ppw = client(world, "ppw")
    stale = r.version
    services.referral_forward(actor=world.user("ppw"), referral=r, to_user=world.user("supervisor"))
    # The referral is still waiting (forwarded); the PPW's return form was opened before the forward.
    response = ppw.post(reverse("referrals:return", args=[r.pk]),
                        {"version": stale, "reason": "Please try an SST meeting first."})
    page = response.content.decode()
    assert response.status_code == 400
    assert "changed by someone else since you opened it" in page
    assert "Please try an SST meeting first." in page
    assert Referral.objects.get(pk=r.pk).status == "forwarded"
    # The form now carries the current version: sending it again, having read the history, goes through.
    current = Referral.objects.get(pk=r.pk).version
    assert response.context["return_form"]["version"].value() == str(current) != str(stale)
    again = ppw.post(reverse("referrals:return", args=[r.pk]),
                     {"version": current, "reason": "Please try an SST meeting first."})
    assert again.status_code == 302 and Referral.objects.get(pk=r.pk).status == "returned"


def test_a_decision_on_a_closed_referral_is_refused_with_a_message(world):
    r = refer(world)
    services.referral_return(actor=world.user("ppw"), referral=r, reason="Not PPS work.")
    response = client(world, "supervisor").post(reverse("referrals:accept", args=[r.pk]),
                                                {"version": r.version, "into": "new", "case_type": "attendance"})
    assert response.status_code == 400
    assert "was already returned to the school by" in response.content.decode()
    assert "can no longer change" in response.content.decode()
    assert "accept_form" not in response.context
    assert not Referral.objects.get(pk=r.pk).case


def test_a_referral_can_be_forwarded_and_withdrawn_from_the_page(world):
    r = refer(world)
    response = client(world, "ppw").post(reverse("referrals:forward", args=[r.pk]),
                                         {"version": r.version, "to_user": world.user("supervisor").pk,
                                          "note": "For the homeless liaison"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.forwarded_to == world.user("supervisor")
    assert client(world, "school_admin").post(reverse("referrals:withdraw", args=[r.pk]),
                                              {"version": r.version}).status_code == 404  # not theirs
    response = client(world, "school_staff").post(reverse("referrals:withdraw", args=[r.pk]),
                                                  {"version": r.version, "reason": "Resolved"})
    assert response.status_code == 302
    assert Referral.objects.get(pk=r.pk).status == "withdrawn"


# --- bulk from the early-warning list --------------------------------------------------------------------


def _indicator(student, school):
    return StudentIndicator.objects.create(
        student=student, school=school, as_of=D(2025, 10, 15), period_key=YEAR_TO_DATE, period_kind="year",
        rule_set=RuleSet.objects.defaults().first(), calendar_method="dates_listed", days_enrolled=40,
        days_absent=8.0, days_unlawful=6.0, attendance_rate=0.8, band="chronic", suspensions=0, values={})


def test_the_early_warning_list_offers_bulk_referral_to_administrators_only(world):
    _indicator(world.student_a, world.school_a)
    url = reverse("indicators:early_warning", args=[world.school_a.code])
    bulk = reverse("referrals:bulk", args=[world.school_a.code])
    principal = client(world, "school_admin").get(url).content.decode()
    assert bulk in principal and f'name="student" value="{world.student_a.pk}"' in principal
    ppw = client(world, "ppw").get(url).content.decode()
    assert bulk not in ppw
    assert reverse("referrals:new", args=[world.student_a.pk]) in ppw  # "refer this student"


def test_bulk_referral_confirm_then_send(world):
    second = f.student(school=world.school_a, last_name="Okafor")
    principal = client(world, "school_admin")
    url = reverse("referrals:bulk", args=[world.school_a.code])
    confirm = principal.post(url, {"student": [world.student_a.pk, second.pk]})
    assert confirm.status_code == 200
    assert "García" in confirm.content.decode() and "Okafor" in confirm.content.decode()
    assert not Referral.objects.exists()
    sent = principal.post(url, FORM | {"confirm": "1", "student": [world.student_a.pk, second.pk]})
    assert sent.status_code == 302
    assert sorted(Referral.objects.values_list("student_id", flat=True)) == sorted([world.student_a.pk, second.pk])


def test_bulk_referral_with_one_bad_id_sends_nothing(world):
    principal = client(world, "school_admin")
    url = reverse("referrals:bulk", args=[world.school_a.code])
    response = principal.post(url, FORM | {"confirm": "1", "student": [world.student_a.pk, world.student_b.pk]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "1 of the 2 selected students cannot be referred" in page and "Nothing was sent" in page
    assert "Nguy" not in page  # the other school's student is not named
    assert not Referral.objects.exists()


def test_the_ppw_sees_the_students_other_referrals_and_record_link_the_teacher_does_not(world):
    first = refer(world)
    second = refer(world, who="school_admin", reasons=["family"])
    ppw_page = client(world, "ppw").get(reverse("referrals:detail", args=[second.pk]))
    assert ppw_page.context["other_referrals"] == [first]
    assert reverse("students:detail", args=[world.student_a.pk]) in ppw_page.content.decode()
    teacher_page = client(world, "school_staff").get(reverse("referrals:detail", args=[first.pk]))
    assert "other_referrals" not in teacher_page.context
    assert second.number not in teacher_page.content.decode()
    assert reverse("students:detail", args=[world.student_a.pk]) not in teacher_page.content.decode()


def test_forward_offers_only_people_who_triage_the_student(world):
    f.user(username="t-ppw-b", role="ppw", schools=[world.school_b])
    colleague = f.user(username="t-ppw-a2", role="ppw", schools=[world.school_a])
    r = refer(world)
    form = client(world, "ppw").get(reverse("referrals:detail", args=[r.pk])).context["forward_form"]
    offered = {label for value, label in form.fields["to_user"].choices if value}
    assert offered == {"t-director", "t-supervisor", colleague.username}


def test_a_flagged_duplicate_preselects_its_open_case(world):
    case = f.case(student=world.student_a, case_type="attendance", owner=world.user("ppw"))
    r = refer(world)
    form = client(world, "ppw").get(reverse("referrals:detail", args=[r.pk])).context["accept_form"]
    assert (form["into"].value(), int(form["case"].value())) == ("existing", case.pk)
    response = client(world, "ppw").post(reverse("referrals:accept", args=[r.pk]),
                                         {"version": r.version, "into": "existing", "case": case.pk})
    assert response.status_code == 302
    assert Referral.objects.get(pk=r.pk).case == case


def test_the_decision_forms_share_the_page_without_sharing_element_ids(world):
    import re

    f.case(student=world.student_a, case_type="attendance", owner=world.user("ppw"))
    r = refer(world)
    page = client(world, "ppw").get(reverse("referrals:detail", args=[r.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert "id_accept_note" in ids and "id_forward_note" in ids
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_accept_into_an_open_case_when_there_is_none_is_a_message_not_an_error(world):
    r = refer(world)
    response = client(world, "ppw").post(reverse("referrals:accept", args=[r.pk]),
                                         {"version": r.version, "into": "existing", "case": "12"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Referral.objects.get(pk=r.pk).status == "submitted"


def test_a_refused_referral_opens_at_a_summary_linking_to_each_field_in_error(world):
    """On a phone the fields can be screens below: the summary comes first in the form, is focused on load
    (autofocus) and announced (role=alert), and each error links to its field; what was typed is kept."""
    teacher = client(world, "school_staff")
    response = teacher.post(reverse("referrals:new", args=[world.student_a.pk]),
                            {"school": world.school_a.pk, "urgency": "soon", "already_tried": "Two calls home."})
    assert response.status_code == 400 and not Referral.objects.exists()
    page = response.content.decode()
    form = page[page.index('class="card ref-form"'):]
    summary = form.index('class="error error-summary"')
    assert summary < form.index('name="school"') and summary < form.index('name="reasons"')
    assert 'role="alert" tabindex="-1" autofocus' in form[summary:summary + 80]
    assert "2 things need fixing" in form
    assert '<a href="#id_reasons_0">Reasons — Pick at least one reason for the referral.</a>' in form
    assert '<a href="#id_details">What have you seen? — Say what you have seen: the PPW decides from this.</a>' in form
    assert 'id="id_reasons_0"' in form and 'id="id_details"' in form  # the links land on the fields
    assert "Please correct" not in page
    assert "Two calls home." in form


def test_a_refused_decision_links_to_its_own_forms_field(world):
    """The decision forms share the page: the summary of the one sent links to that form's field ids."""
    r = refer(world)
    response = client(world, "ppw").post(reverse("referrals:return", args=[r.pk]), {"version": r.version})
    assert response.status_code == 400
    page = response.content.decode()
    form = page[page.index(reverse("referrals:return", args=[r.pk])):]
    assert form.index("error-summary") < form.index('name="reason"')
    assert ('<a href="#id_return_reason">Why return it? (the referrer reads this) — Say why it is returned: the '
            'referrer reads this.</a>') in form
    assert page.count("error-summary") == 1 and page.count("autofocus") == 1
