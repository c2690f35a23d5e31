"""Two transactions that each find no open attendance case must not open one each (a letter batch and the
nightly ladder, or two batches). Real threads on a real database: only on PostgreSQL."""

import threading
import time

import pytest
from django.db import connection, transaction

from casework.cases.choices import CaseType
from casework.cases.models import Case
from casework.core.testing import factories as f
from casework.mailings.jobs import attendance_case

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database shared across threads"),
]


def test_the_second_waits_and_finds_the_case_the_first_opened():
    school = f.school(code="R100")
    student = f.student(school=school)
    ppw = f.user(username="t-race-ppw", role="ppw", schools=[school])
    first_opened = threading.Event()
    got: dict[str, int] = {}

    def first():
        try:
            with transaction.atomic():
                got["first"] = attendance_case(ppw, student, ppw).pk
                first_opened.set()
                time.sleep(0.5)  # still uncommitted while the second one looks
        finally:
            connection.close()

    def second():
        try:
            assert first_opened.wait(10)
            with transaction.atomic():
                got["second"] = attendance_case(ppw, student, ppw).pk
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert got["first"] == got["second"]
    assert Case.objects.filter(student=student, case_type=CaseType.ATTENDANCE).count() == 1
