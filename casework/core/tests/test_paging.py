"""core.paging.page_of: the page a `?page=` value asks for, never the last page for one before the first."""

import pytest
from django.core.paginator import Paginator

from casework.core.paging import page_of

ITEMS = Paginator(list(range(120)), 50)  # pages 1 (0-49), 2 (50-99), 3 (100-119)


@pytest.mark.parametrize(("asked", "number"), [
    (None, 1), ("", 1), ("2", 2), ("3", 3),
    ("0", 1), ("-4", 1),  # before the first: the first (Paginator.get_page gives the last)
    ("99", 3),  # past the end: the last
    ("two", 1), ("1.5", 1),  # nonsense: the first
])
def test_page_asked(asked, number):
    assert page_of(ITEMS, asked).number == number


def test_an_empty_list_has_an_empty_first_page():
    page = page_of(Paginator([], 50), "0")
    assert page.number == 1 and list(page) == []
