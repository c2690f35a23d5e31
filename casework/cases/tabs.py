"""The tabs of a case page. Each app that shows part of a case (contacts, plans, tasks, documents)
registers its tab in AppConfig.ready(), like the main navigation; the case header renders them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class CaseTab:
    key: str  # the view's `tab`, marks the current one
    label: str
    url_name: str  # reversed with the case's pk as `case_pk`
    order: int = 100


_tabs: list[CaseTab] = []


def register(tab: CaseTab) -> None:
    if tab not in _tabs:
        _tabs.append(tab)
        _tabs.sort(key=lambda t: (t.order, t.label))


def tabs_for(case, current: str) -> list[dict]:
    return [{"label": t.label, "url": reverse(t.url_name, kwargs={"case_pk": case.pk}), "current": t.key == current}
            for t in _tabs]
