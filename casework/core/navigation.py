"""The main navigation. Each domain app registers its entries in AppConfig.ready(); an entry shows only
to users whose roles grant its action, so a later module (early warning, referrals, cases...) adds one
line and appears for the right people."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str | None  # policy action needed to see it; None: every signed-in user
    order: int = 100


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda i: (i.order, i.label))


def items_for(user) -> list[dict]:
    from .policy import has_action

    return [
        {"label": i.label, "url": reverse(i.url_name), "url_name": i.url_name}
        for i in _items
        if i.action is None or has_action(user, i.action)
    ]
