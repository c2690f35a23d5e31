"""core.api helpers: int_param reads ids from query strings; ASCII digits only."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from casework.core.api import int_param


def request(query: dict) -> Request:
    return Request(APIRequestFactory().get("/x/", query))


@pytest.mark.parametrize(("query", "expected"), [
    ({}, None), ({"case": ""}, None), ({"case": "  "}, None), ({"case": "12"}, 12), ({"case": " 7 "}, 7),
    ({"case": "007"}, 7), ({"case": "9" * 18}, 999_999_999_999_999_999),
])
def test_int_param_reads_plain_digits(query, expected):
    assert int_param(request(query), "case") == expected


@pytest.mark.parametrize("value", ["²", "١٢", "１２", "abc", "-1", "+1", "1.0", "1e3", "1 2", "9" * 19])
def test_int_param_refuses_anything_else_with_a_message_naming_the_parameter(value):
    with pytest.raises(ValidationError) as caught:
        int_param(request({"student": value}), "student", label="internal student id")
    assert caught.value.detail == {"student": "Give the internal student id as a whole number in digits 0-9, "
                                              "e.g. ?student=12."}


def test_parse_id_takes_plain_digits_only():
    from casework.core.views import parse_id

    assert [parse_id(v) for v in ("12", " 7 ", "0", "9" * 18)] == [12, 7, 0, 10**18 - 1]
    # Unicode digits, signs, decimals, 19 digits (past every id column), blanks: no row, never a 500.
    assert [parse_id(v) for v in ("²", "١٢", "-1", "+5", "1.0", "9" * 19, "", None, "abc")] == [None] * 9
