"""HTML checks for Django test-client responses (no browser needed)."""

from __future__ import annotations

from html.parser import HTMLParser

# Attributes whose value is a space-separated list of ids on the same page.
ID_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ID_REFERENCES:
            for ref in (values.get(name) or "").split():
                self.refs.append((tag, name, ref))
        if tag == "label" and values.get("for"):
            self.refs.append((tag, "for", values["for"]))

    handle_startendtag = handle_starttag


def broken_references(html: str) -> list[str]:
    """Each aria-describedby / aria-labelledby / aria-controls / label for= naming an id the page lacks
    (a screen reader then reads nothing, silently), as '<tag attribute="id">'; empty when all resolve."""
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return [f'<{tag} {name}="{ref}">' for tag, name, ref in parser.refs if ref not in parser.ids]
