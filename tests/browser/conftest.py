"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's live server.

One Chromium for the whole session; each test gets fresh browser contexts (cookie jars), so tests stay
independent and the suite stays fast. Never `playwright install`: the browser is the system package.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests
# (factories, force_login) would otherwise trip Django's async-unsafe check.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from axe_playwright_python.base import AxeResults  # noqa: E402
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from casework.core.testing import factories as f  # noqa: E402
from casework.students import services as st  # noqa: E402

CHROMIUM = os.environ.get("CASEWORK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(os.environ.get("CASEWORK_SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "var/screenshots")
TIMEOUT_MS = 5_000
# Every axe rule, best practices included; no rule is switched off.
AXE_OPTIONS = {"resultTypes": ["violations"]}
# What Chromium says when a script runs while the page is being replaced by the next one.
_NAVIGATING = re.compile(r"documentElement|context was destroyed|navigat", re.IGNORECASE)


def _no_browser(reason: str):
    """In CI a missing browser is a failure (the suite must not silently pass); locally, a skip."""
    message = f"{reason}. Install Debian's Chromium (`apt-get install -y chromium`); never `playwright install`."
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        _no_browser(f"Chromium not found at {CHROMIUM}")
    try:
        chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch failure means "no usable browser"
        _no_browser(f"Chromium at {CHROMIUM} would not start ({exc.__class__.__name__}: {str(exc)[:300]})")
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Sign-in throttling counts failures per address in the cache; every request here comes from 127.0.0.1."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """new_context(viewport=PHONE, user=...) -> a browser context on the live server, signed in if `user`."""
    opened: list[BrowserContext] = []

    def make(*, viewport: dict = DESKTOP, user=None, phone: bool = False) -> BrowserContext:
        options: dict = {"base_url": live_server.url, "viewport": viewport, "locale": "en-US",
                         "timezone_id": "America/New_York"}
        if phone:
            options |= {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(TIMEOUT_MS)
        opened.append(ctx)
        if user is not None:
            sign_in_cookie(ctx, user, live_server.url)
        return ctx

    yield make
    for ctx in opened:
        ctx.close()


@pytest.fixture
def page_as(new_context) -> Callable[..., Page]:
    """page_as(user, viewport=..., phone=...) -> a page in a fresh context signed in as `user` (None: signed out)."""

    def make(user=None, **kwargs) -> Page:
        page = new_context(user=user, **kwargs).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors  # checked by tests that care; a broken htmx would show here
        return page

    return make


@pytest.fixture
def switch_user(live_server) -> Callable[[Page, object], None]:
    """switch_user(page, user): the same browser context, now signed in as `user` (cheaper than a new context)."""

    def switch(page: Page, user) -> None:
        page.context.clear_cookies()
        sign_in_cookie(page.context, user, live_server.url)

    return switch


def sign_in_cookie(ctx: BrowserContext, user, base_url: str) -> None:
    """Skip the sign-in form (tested on its own): a real session, created the way Django's test client does."""
    client = Client()
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    ctx.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie.value, "url": base_url}])


def sign_in_with_form(page: Page, username: str, password: str = f.PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


# Form controls and links a finger must hit (WCAG 2.5.5 target size, 44 CSS px).
TARGETS = ("main button, main a.tap, main select, main textarea, "
           "main input:not([type=hidden]):not([type=radio]):not([type=checkbox])")


def small_targets(page: Page, selector: str = TARGETS) -> list:
    """Visible elements matching `selector` that are under 44px high (empty when the page is fine)."""
    return page.evaluate("""sel => [...document.querySelectorAll(sel)].filter(el => el.getClientRects().length)
        .map(el => ({el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height})).filter(t => t.h < 44)""",
                         selector)


class AxeAudit:
    """Runs axe-core (bundled with axe-playwright-python, no CDN) on page after page; fails once, with all reports."""

    def __init__(self, axe: Axe):
        self.axe = axe
        self.reports: list[str] = []
        self.checked = 0

    def check(self, page: Page, what: str) -> None:
        # A click that navigates returns before the new document exists; auditing then races the swap
        # ("reading 'documentElement' of null", "execution context was destroyed"). Wait it out and retry:
        # the audit is meant for the page the user lands on.
        for attempt in range(3):
            page.wait_for_load_state("load")
            try:
                response = self._run(page)
                break
            except PlaywrightError as exc:
                if attempt == 2 or not _NAVIGATING.search(str(exc)):
                    raise
                page.wait_for_timeout(200)
        results = AxeResults(response)
        self.checked += 1
        if results.violations_count:
            self.reports.append(f"--- {what} ({page.url}):\n{results.generate_report()}")

    def _run(self, page: Page) -> dict:
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(self.axe.axe_script)
        # Only the violations cross back to Python: the full result (passes, inapplicable) is large and slow.
        return page.evaluate("options => axe.run(document, options).then(r => ({violations: r.violations}))",
                             AXE_OPTIONS)

    def assert_clean(self) -> None:
        assert self.checked, "nothing was checked"
        assert not self.reports, "\n".join(self.reports)


@dataclass
class District:
    school_a: object
    school_b: object
    jose: object  # José García, school A: guardians, household with address history, two enrollments
    sibling: object  # Mateo García, school A, same household
    zoe: object  # Zoë Nguyễn, school B only
    ppw1: object
    principal1: object
    director: object


@pytest.fixture
def district(transactional_db) -> District:
    """Two schools, three students, and the demo's account names: ppw1 and principal1 at school A, director."""
    # transactional_db flushes every table after each test, the shipped rule set (a data migration) too.
    from importlib import import_module

    from django.apps import apps

    for migration in ("0002_maryland_default", "0003_maryland_default_2026_2"):
        import_module(f"casework.rules.migrations.{migration}").ship(apps, None)
    a = f.school(code="A100", name="Alpha Elementary")
    b = f.school(code="B200", name="Beta Middle", level="middle")
    old = f.school(code="C300", name="Cedar Primary")

    home = st.household_create(actor=None, label="García household", phone="301-555-0142")
    st.household_move(actor=None, household=home, moved_on=datetime.date(2021, 7, 1), street="12 Oak Lane",
                      city="Rockville", postal_code="20850")
    st.household_move(actor=None, household=home, moved_on=datetime.date(2024, 3, 15), street="48 Maple Court",
                      unit="Apt 3B", city="Gaithersburg", postal_code="20877")

    jose = f.student(school=old, entry_date=datetime.date(2020, 8, 31), exit_date=datetime.date(2024, 3, 14),
                     first_name="José", last_name="García", district_id="100001", preferred_name="Pepe",
                     home_language="Spanish", english_learner=True, has_iep=True, household=home)
    f.enrollment(student=jose, school=a, entry_date=datetime.date(2024, 3, 18))
    sibling = f.student(school=a, first_name="Mateo", last_name="García", district_id="100002", grade="02",
                        household=home)
    f.guardian(student=jose, relationship="grandmother", first_name="Rosa", last_name="Martínez",
               household=home, has_custody=True, lives_with=True, emergency_contact=True)
    f.guardian(student=jose, relationship="father", first_name="Luis", last_name="García", no_contact=True)

    zoe = f.student(school=b, first_name="Zoë", last_name="Nguyễn", district_id="200002", grade="07")

    return District(
        school_a=a, school_b=b, jose=jose, sibling=sibling, zoe=zoe,
        ppw1=f.user(username="ppw1", role="ppw", schools=[a]),
        principal1=f.user(username="principal1", role="school_admin", schools=[a]),
        director=f.user(username="director", role="director"),
    )
