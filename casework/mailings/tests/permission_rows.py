"""Permission rows for the batch letters URLs (merged into tests/test_permission_matrix.py).

mailing.run: the director and supervisors everywhere, the PPW and the principal in school A; everyone
else 404. A mailing reaches its school, so school B's batch is 404 to school A's people."""

from __future__ import annotations

import tempfile

from casework.core.testing.permissions import Rule, lazy

SENDERS = (200, 200, 200, 200, 404, 404, 404, 404, 302)
SENDERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 302)


def mailing_at(objs: dict, school: str):
    """A finished batch (status done, a stored PDF) at school A or B, made by nobody in particular."""
    from django.conf import settings
    from django.core.files.base import ContentFile

    from casework.mailings.models import MailingStatus
    from casework.mailings.services import mailing_create, mailing_set_status
    from casework.mailings.storage import mailing_storage, new_stored_name

    def make():
        if not getattr(settings, "CASEWORK_MAILINGS_DIR", None):
            settings.CASEWORK_MAILINGS_DIR = tempfile.mkdtemp(prefix="casework-test-mailings-")
        world = objs["world"]
        target = world.school_a if school == "a" else world.school_b
        mailing = mailing_create(actor=None, school=target, criteria={"unlawful_at_least": 5})
        name = mailing_storage().save(new_stored_name(), ContentFile(b"%PDF-1.4\n%synthetic\n"))
        return mailing_set_status(actor=None, mailing=mailing, status=MailingStatus.DONE, pdf_name=name,
                                  counts={"students": 0, "letters": 0, "skipped": {}})

    return lazy(objs, f"mailing_{school}", make)


ROWS = {
    "mailings:list": Rule(get=SENDERS),
    "mailings:new": Rule(kwargs=lambda o: {"code": o["world"].school_a.code}, get=SENDERS,
                         kwargs_out=lambda o: {"code": o["world"].school_b.code}, get_out=SENDERS_OUT),
    "mailings:detail": Rule(kwargs=lambda o: {"pk": mailing_at(o, "a").pk}, get=SENDERS,
                            kwargs_out=lambda o: {"pk": mailing_at(o, "b").pk}, get_out=SENDERS_OUT),
    "mailings:status": Rule(kwargs=lambda o: {"pk": mailing_at(o, "a").pk}, get=SENDERS,
                            kwargs_out=lambda o: {"pk": mailing_at(o, "b").pk}, get_out=SENDERS_OUT),
    "mailings:pdf": Rule(kwargs=lambda o: {"pk": mailing_at(o, "a").pk}, get=SENDERS,
                         kwargs_out=lambda o: {"pk": mailing_at(o, "b").pk}, get_out=SENDERS_OUT),
    # Marking mailed is a POST: a GET answers 405 to those who may send letters, whichever school.
    "mailings:mark_mailed": Rule(
        kwargs=lambda o: {"pk": mailing_at(o, "a").pk}, get=(405, 405, 405, 405, 404, 404, 404, 404, 302),
        kwargs_out=lambda o: {"pk": mailing_at(o, "b").pk}, get_out=(405, 405, 405, 405, 404, 404, 404, 404, 302)),
}
