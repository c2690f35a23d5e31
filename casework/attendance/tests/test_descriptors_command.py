"""`casework descriptors`: list, and set under an account allowed to manage the rules."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.attendance.models import DescriptorMapping
from casework.audit.models import ChangeRecord
from casework.core.testing import factories as f

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("descriptors", *args, stdout=out)
    return out.getvalue()


def test_list_shows_the_shipped_ed_fi_defaults():
    assert "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy\ttardy\t[shipped]" in run()


def test_set_a_local_code_with_its_reason():
    f.user(username="steward-x", role="data_steward")
    before = ChangeRecord.objects.count()
    out = run("set", "ILL", "excused", "--reason", "b", "--user", "steward-x", "--notes", "SIS code for illness")
    assert "ILL -> excused (reason B)" in out
    mapping = DescriptorMapping.objects.get(descriptor="ILL")
    assert (mapping.category, mapping.reason_code, mapping.shipped) == ("excused", "B", False)
    assert ChangeRecord.objects.count() == before + 1
    assert "ILL\texcused (reason B)\t[district]" in run("list")


@pytest.mark.parametrize(("args", "message"), [
    (("set", "ILL"), "Say what to map"),
    (("set", "ILL", "sick"), "Unknown category"),
    (("set", "ILL", "excused"), "Give --user"),
    (("set", "ILL", "excused", "--user", "nobody"), "No account named nobody"),
    (("set", "ILL", "excused", "--user", "ppw-x"), "may not change the mapping"),
    (("set", "ILL", "excused", "--reason", "bad code!", "--user", "steward-y"), "reason"),
    (("set", "ILL", "excused", "--reason", "Z", "--user", "steward-y"), "Unknown reason code 'Z'"),
    (("set", "ILL", "excused", "--reason", "z"), "Unknown reason code 'Z'"),
])
def test_set_refuses_bad_input(args, message):
    f.user(username="ppw-x", role="ppw", schools=[f.school()])
    f.user(username="steward-y", role="data_steward")
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not DescriptorMapping.objects.filter(descriptor="ILL").exists()


def test_a_refused_reason_is_a_command_error_and_writes_nothing():
    # A CommandError is what the command line turns into exit status 1 (run_from_argv); run in process it
    # would also close the test's database connection.
    f.user(username="steward-z", role="data_steward")
    with pytest.raises(CommandError, match="Unknown reason code 'Z'"):
        call_command("descriptors", "set", "ILL", "excused", "--reason", "Z", "--user", "steward-z")
    assert not DescriptorMapping.objects.filter(descriptor="ILL").exists()
