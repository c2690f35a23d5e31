"""The import guide page: docs/imports.md, the one source of the columns' rules, served as HTML to the
people who may import ("import.run", as the import page) so the data steward reads it where they upload.

The file is read where settings.CASEWORK_IMPORT_GUIDE says (default BASE_DIR/docs/imports.md, there in a
clone, which `uv sync` installs editable) and rendered once per version of it (its mtime and size).
Markdown by markdown-it-py with raw HTML off: a tag written in the guide is shown as text, never run; links
may not use javascript: or data: (markdown-it's own check); images are off (every asset is Casework's own).
Headings get GitHub's ids, so the guide's own links (#ed-fi-xml) and the import page's work."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.shortcuts import render
from django.utils.html import escape
from markdown_it import MarkdownIt

from casework.core.views import PolicyView

log = logging.getLogger(__name__)


@dataclass
class Heading:
    level: int
    text: str
    id: str
    children: list[Heading] = field(default_factory=list)


@dataclass(frozen=True)
class Guide:
    title: str
    toc: list[Heading]  # the ## headings, each with its ### headings
    html: str  # everything after the title


def slug(text: str) -> str:
    """GitHub's heading id: lower case, punctuation dropped, spaces as hyphens ("Ed-Fi XML" -> "ed-fi-xml")."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def _plain(inline) -> str:
    return "".join(t.content for t in inline.children or () if t.type in ("text", "code_inline"))


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").disable("image")

    def table_open(self, tokens, idx, options, env):
        # A table wider than a phone scrolls in its own box, named by its section's heading (.table-wrap).
        label = tokens[idx].meta.get("labelledby")
        named = f'aria-labelledby="{escape(label)}"' if label else 'aria-label="Table"'
        return f'<div class="table-wrap" role="region" {named} tabindex="0">\n<table>\n'

    def table_close(self, tokens, idx, options, env):
        return "</table>\n</div>\n"

    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
    return md


def render_guide(text: str) -> Guide:
    md = _markdown()
    tokens = md.parse(text)
    title, toc, seen, last_id = "Import guide", [], {}, ""
    for i, token in enumerate(tokens):
        if token.type == "table_open" and last_id:
            token.meta["labelledby"] = last_id
        if token.type != "heading_open":
            continue
        words = _plain(tokens[i + 1])
        base = slug(words) or "section"
        n = seen.get(base, 0)
        seen[base] = n + 1
        last_id = base if n == 0 else f"{base}-{n}"
        token.attrSet("id", last_id)
        level = int(token.tag[1])
        if level == 2:
            toc.append(Heading(2, words, last_id))
        elif level == 3 and toc:
            toc[-1].children.append(Heading(3, words, last_id))
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        title, tokens = _plain(tokens[1]), tokens[3:]  # the page's own <h1>, above the contents
    return Guide(title, toc, md.renderer.render(tokens, md.options, {}))


@functools.lru_cache(maxsize=2)
def _rendered(path: str, mtime_ns: int, size: int) -> Guide:
    return render_guide(Path(path).read_text(encoding="utf-8"))


def guide() -> Guide | None:
    """The rendered guide, or None when the file is not where the setting says."""
    path = Path(settings.CASEWORK_IMPORT_GUIDE)
    try:
        stat = path.stat()
        return _rendered(str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, UnicodeDecodeError):
        log.warning("import guide not readable at CASEWORK_IMPORT_GUIDE", exc_info=True)
        return None


class ImportGuideView(PolicyView):
    """GET: the import guide, with its contents."""

    action = "import.run"

    def get(self, request):
        doc = guide()
        if doc is None:
            # Said plainly, as a 404: this install has no copy of the file (not a fault of the request).
            return render(request, "imports/guide.html", {"missing": True}, status=404)
        return render(request, "imports/guide.html", {"guide": doc})
