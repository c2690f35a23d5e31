"""The CLI's progress bar: one bar a file, each left on screen at its last figure."""

import importlib
from io import StringIO

from django.core.management.base import OutputWrapper

Command = importlib.import_module("casework.imports.management.commands.import").Command


def drawn(calls) -> str:
    command = Command()
    command.stderr = OutputWrapper(StringIO())
    for call in calls:
        command._progress(*call)
    return command.stderr._out.getvalue()


def test_each_file_gets_its_own_line_and_a_redraw_returns_to_the_line_start():
    out = drawn([("users.csv", 0, 10), ("users.csv", 10, 10), ("roles.csv", 5, 10)])
    assert out.split("\n") == ["users.csv [..............................]   0%\r"
                               "users.csv [##############################] 100%",
                               "roles.csv [###############...............]  50%"]


def test_an_empty_file_is_done_not_full_at_zero_percent():
    assert drawn([("roles.csv", 0, 0)]) == "roles.csv [##############################] 100%"

