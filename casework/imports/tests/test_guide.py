"""The import guide page: docs/imports.md as HTML, for the roles that may import, linked from the import page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from casework.core.testing import factories as f
from casework.imports import guide

URL = "/imports/guide/"


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def _parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def _toc(html: str) -> str:
    start = html.index('aria-labelledby="guide-toc-h"')
    return html[start:html.index("</nav>", start)]


def _client(role: str, **kwargs) -> Client:
    client = Client()
    client.force_login(f.user(role=role, **kwargs))
    return client


def test_the_url_is_stable():
    assert reverse("imports:guide") == URL


def test_the_source_is_the_repository_doc():
    assert django_settings.CASEWORK_IMPORT_GUIDE == django_settings.BASE_DIR / "docs" / "imports.md"
    assert django_settings.CASEWORK_IMPORT_GUIDE.is_file()


@pytest.mark.parametrize("role", ["data_steward", "director"])
def test_the_guide_renders_in_the_site_layout_with_its_contents(db, role):
    response = _client(role).get(URL)
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["imports/guide.html", "base.html"]
    html = response.content.decode()
    source = django_settings.CASEWORK_IMPORT_GUIDE.read_text(encoding="utf-8")
    assert "<h1>Importing SIS data</h1>" in html
    page = _parse(html)
    # Every ## and ### heading of the file is on the page with an id, and listed in the contents.
    headings = re.findall(r"^(##+) (.+)$", source, flags=re.M)
    assert len(headings) > 10
    toc = _toc(html)
    for marks, text in headings:
        plain = text.replace("`", "").replace("**", "")
        anchor = guide.slug(plain)
        assert f'<h{len(marks)} id="{anchor}">' in html, text
        if len(marks) <= 3:
            assert f'<a href="#{anchor}">' in toc, text
    for known in ("kinds-and-columns", "students", "ed-fi-xml", "reject-reasons",
                  "enrollments-ed-fi-studentschoolassociation"):
        assert known in page.ids
    # The guide's own links to its sections land on a heading of the page.
    assert all(href[1:] in page.ids for href in page.hrefs if href.startswith("#"))
    assert "<table>" in html and "<th>column</th>" in html  # the column tables
    assert '<div class="table-wrap" role="region" aria-labelledby="students" tabindex="0">' in html
    assert '<pre><code class="language-sh">casework import csv KIND' in html


@pytest.mark.parametrize("role", ["ppw", "school_admin", "supervisor", "auditor", "school_staff"])
def test_roles_that_may_not_import_get_404_as_on_the_import_page(db, role):
    school = f.school()
    schools = [school] if role in ("ppw", "school_admin", "school_staff") else []
    client = _client(role, schools=schools)
    assert client.get(reverse("imports:runs")).status_code == 404
    assert client.get(URL).status_code == 404


def test_signed_out_goes_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_raw_html_in_the_guide_is_shown_as_text_never_run(db, settings, tmp_path):
    doc = tmp_path / "imports.md"
    doc.write_text("# Guide\n\n## Part <script>alert(1)</script>\n\n<script>alert(2)</script>\n\n"
                   "<img src=x onerror=alert(3)>\n\nText with <b onclick=alert(4)>inline</b> tags, "
                   "[a link](javascript:alert(5)) and ![an image](https://example.invalid/x.png).\n\n"
                   "| a | b |\n| --- | --- |\n| <i>x</i> | y |\n", encoding="utf-8")
    settings.CASEWORK_IMPORT_GUIDE = doc
    html = _client("data_steward").get(URL).content.decode()
    article = html[html.index('<article class="guide">'):html.index("</article>")]
    assert "<script" not in article and "<img" not in article and "<b " not in article and "<i>" not in article
    assert "javascript:" not in article.replace("[a link](javascript:alert(5))", "")
    assert 'href="javascript' not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in article
    assert "&lt;img src=x onerror=alert(3)&gt;" in article
    assert '<h2 id="part-scriptalert1script">Part &lt;script&gt;alert(1)&lt;/script&gt;</h2>' in article
    assert "&lt;i&gt;x&lt;/i&gt;" in article
    toc = _toc(html)
    assert "Part &lt;script&gt;alert(1)&lt;/script&gt;" in toc


def test_an_edit_to_the_file_shows_on_the_next_request(db, settings, tmp_path):
    doc = tmp_path / "imports.md"
    doc.write_text("# Guide\n\n## First\n", encoding="utf-8")
    settings.CASEWORK_IMPORT_GUIDE = doc
    client = _client("data_steward")
    assert '<h2 id="first">First</h2>' in client.get(URL).content.decode()
    doc.write_text("# Guide\n\n## Second heading\n\n## Second heading\n", encoding="utf-8")
    html = client.get(URL).content.decode()
    assert '<h2 id="second-heading">' in html and '<h2 id="second-heading-1">' in html  # ids stay unique
    assert "First" not in html


def test_a_missing_file_says_so_plainly_as_a_404(db, settings, tmp_path):
    settings.CASEWORK_IMPORT_GUIDE = tmp_path / "nowhere" / "imports.md"
    response = _client("data_steward").get(URL)
    assert response.status_code == 404
    html = response.content.decode()
    assert "The import guide is not installed with this copy of Casework" in html
    assert "CASEWORK_IMPORT_GUIDE" in html
    assert str(tmp_path) not in html  # no server path on the page


def test_the_import_page_links_to_the_guide_and_the_link_resolves(db):
    client = _client("data_steward")
    html = client.get(reverse("imports:runs")).content.decode()
    help_text = html[html.index('id="templates-help"'):]
    help_text = help_text[:help_text.index("</p>")]
    assert "docs/imports.md" not in help_text and "ask the PPS office" not in help_text
    links = [h for h in _parse(help_text.split(">", 1)[1]).hrefs if h.startswith(URL)]
    assert links == [URL + "#kinds-and-columns"]
    path, anchor = links[0].split("#")
    guide_page = client.get(path)
    assert guide_page.status_code == 200
    assert anchor in _parse(guide_page.content.decode()).ids
