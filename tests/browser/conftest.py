"""Browser tests: Playwright drives the system's Chromium against pytest-django's live server.

Chromium is Debian's (``/usr/bin/chromium``, or ``CHROMIUM_PATH``), never a downloaded build.
Without it, or without Playwright, the browser tests are skipped with a message saying why;
with ``REQUIRE_BROWSER=1`` (set by CI) any skipped browser test is a failure instead, so CI
cannot go green without having run them.

Every test gets a new, empty browser context (no cookies, no cache). Every request a page makes
is recorded, requests to any other host than the live server are blocked, and the test fails
if one was attempted: the archive must work with no outside resource. Screenshots of each step
go to ``test-artifacts/screenshots/`` (``SCREENSHOT_DIR`` to change it); the run prints where.
"""

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command

from .support import DESKTOP, EDITOR_PASSWORD

# Chromium on the loopback address, not "localhost" (which may resolve to ::1 first).
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).resolve().parent
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", BROWSER_DIR.parents[1] / "test-artifacts" / "screenshots"))


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def missing_browser_reason() -> str | None:
    if sync_playwright is None:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM_PATH).exists():
        return f"Chromium not found at {CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)"
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end test in Chromium (tests/browser)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(BROWSER_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # CI must not pass by skipping: with REQUIRE_BROWSER=1 a skipped browser test fails the run.
    expected_failure = hasattr(report, "wasxfail")
    if report.skipped and not expected_failure and browser_required() and item.get_closest_marker("browser"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_BROWSER=1 but this browser test was skipped: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    # A browser test module skipped at import (Playwright missing) must fail CI just the same.
    if report.skipped and browser_required() and Path(str(collector.path)).is_relative_to(BROWSER_DIR):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_BROWSER=1 but these browser tests were skipped: {reason}"
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if Screenshots.taken:
        terminalreporter.write_sep("-", f"{Screenshots.taken} browser screenshots in {SCREENSHOT_DIR}")


@pytest.fixture(scope="session")
def screenshot_dir():
    """The run's screenshot folder, emptied once at the start."""
    if SCREENSHOT_DIR.exists():
        shutil.rmtree(SCREENSHOT_DIR)
    return SCREENSHOT_DIR


@pytest.fixture(scope="module")
def browser(screenshot_dir):
    """A headless Chromium per test module (contexts, not browsers, isolate the tests).

    Playwright's sync API keeps an asyncio loop running in the test's thread while it is open,
    which makes Django refuse ORM calls there ("SynchronousOnlyOperation"). These tests are
    synchronous code that only waits on the browser, so the check is lifted while the browser
    is open, and the browser closes with its module so that no other test runs beside the loop.
    """
    reason = missing_browser_reason()
    if reason:
        message = f"browser tests not run: {reason}"
        if browser_required():
            pytest.fail(f"REQUIRE_BROWSER=1 and {message}", pytrace=False)
        pytest.skip(message)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@dataclass
class Session:
    """A browser context with its request log: one person's tab(s) on the site."""

    context: object
    server_url: str
    requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def new_page(self):
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))
        return page

    def _console(self, page, message):
        # A 404 the test asked for is logged as "Failed to load resource"; anything else an error
        # (a script failing, a Content-Security-Policy refusal) is a bug.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"{page.url}: {message.text}")


@pytest.fixture
def browse(browser, live_server):
    """Open new, empty browser contexts: ``browse(viewport=PHONE)`` returns a ``Session``.

    Requests to other hosts than the live server are blocked and recorded; the test fails at
    teardown if there was any, or if a page logged a JavaScript error or a refused resource.
    """
    sessions = []
    server = urlsplit(live_server.url)

    def open_session(viewport=DESKTOP, **options) -> Session:
        context = browser.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris", **options)
        context.set_default_timeout(10_000)
        session = Session(context=context, server_url=live_server.url)

        def on_request(request):
            session.requests.append(request.url)

        def guard(route):
            url = urlsplit(route.request.url)
            if url.scheme in {"data", "blob", "about"} or (url.scheme, url.netloc) == (server.scheme, server.netloc):
                route.continue_()
            else:
                session.outside_requests.append(route.request.url)
                route.abort()

        context.on("request", on_request)
        context.route("**/*", guard)
        sessions.append(session)
        return session

    yield open_session
    outside = [url for session in sessions for url in session.outside_requests]
    errors = [error for session in sessions for error in session.errors]
    for session in sessions:
        session.context.close()
    assert not outside, f"pages requested outside resources: {outside}"
    assert not errors, f"JavaScript or console errors: {errors}"


@pytest.fixture
def demo(transactional_db):
    """The demo archive (18 articles, 8 companies), with an empty page cache."""
    cache.clear()
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def editor(transactional_db, django_user_model, settings):
    """A superuser (may publish) with a known password."""
    # The production hasher takes half a second per login on purpose; tests need no such cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_superuser(
        username="claire", email="claire@example.org", password=EDITOR_PASSWORD, first_name="Claire"
    )


class Screenshots:
    """Numbered screenshots of a journey's steps: ``shots(page, "article")`` -> 02-article.png."""

    taken = 0  # in this run, for the summary line

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    def __call__(self, page, name: str, *, full_page: bool = False) -> Path:
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        Screenshots.taken += 1
        return path


@pytest.fixture
def shots(request, screenshot_dir):
    """Screenshots for this test, in a folder named after it (parameters included)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    return Screenshots(screenshot_dir / name)
