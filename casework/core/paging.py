"""One page of a list from the `page` query value, for every paginated page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(paginator: Paginator, asked: str | None) -> Page:
    """Like `Paginator.get_page` (the last page past the end, the first for nonsense), except that a page
    before the first (0, -3) is the first page: get_page takes any out-of-range number to the last."""
    try:
        if int(asked or "1") < 1:
            return paginator.page(1)
    except ValueError:
        pass
    return paginator.get_page(asked)
