"""
Browser test infrastructure: Debian's headless Chromium driven by Playwright against pytest-django's live server.

* ``browser``: one Chromium for all browser tests, started from ``/usr/bin/chromium`` (Playwright's own
  downloaded browsers are never used: ``playwright install`` is not part of this project). Missing Chromium or
  Playwright skips every browser test with a loud reason; with ``PERF_MGMT_REQUIRE_ALL=1`` (CI) it fails them.
  It is package-scoped, i.e. the session of this package's tests: the sync Playwright API keeps an asyncio loop
  running in the main thread while it lives, and Django refuses ORM calls under a running loop, so it must be
  stopped before pytest moves on to the other test packages in the same run.
* ``page`` (per test): a fresh context (no cookies carried between tests) at a desktop size, with the live
  server's URL at hand; uncaught JavaScript errors, console errors and failed requests are collected in
  ``page.js_errors`` so a test can assert there were none.
* ``sign_in(page, username)``: through the real login form, as a person would.

The live server runs in a thread of this process on pytest-django's test database. Because of Playwright's running
loop, the test bodies' own ORM calls (and pytest-django's flushes) would raise ``SynchronousOnlyOperation``;
``DJANGO_ALLOW_ASYNC_UNSAFE`` lifts that guard exactly while Playwright runs (the ``browser`` fixture sets it and
restores it): the test body and the server do not run queries at the same moment since the test waits on the
browser.
"""

import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "pass"  # noqa: S105  (tests.factories.make_user's password)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _unavailable(reason):
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if os.environ.get("PERF_MGMT_REQUIRE_ALL") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser():
    """Headless Debian Chromium, shared by all the browser tests (see the module docstring for the scope)."""
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing; install Debian's chromium package (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        _unavailable(f"the playwright Python package is not installed ({exc})")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        started = time.monotonic()
        playwright = sync_playwright().start()
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001  (any launch failure means no browser, said loudly)
            playwright.stop()
            _unavailable(f"{CHROMIUM} did not start: {exc}")
        print(f"\nChromium {chromium.version} started in {time.monotonic() - started:.1f}s")  # noqa: T201
        yield chromium
        chromium.close()
        playwright.stop()


def _console_error(page, message):
    # Failed loads are reported by _failed_response, with their URL.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.js_errors.append(f"console: {message.text}")


def _failed_response(page, response):
    # The host serves no favicon; browsers ask for one anyway.
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        page.js_errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser context; ``page.url_for(path)`` is the live server's URL of ``path``."""
    # What the migrations seed and an earlier transactional test's flush removed: edx-completion's tracking switch
    # (without it the platform records no completion, so a watched video would stay unwatched).
    from waffle.models import Switch  # noqa: PLC0415  pylint: disable=import-outside-toplevel

    Switch.objects.update_or_create(name="completion.enable_completion_tracking", defaults={"active": True})
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    new_page.js_errors = []
    new_page.on("pageerror", lambda error: new_page.js_errors.append(f"uncaught: {error}"))
    new_page.on("console", lambda msg: _console_error(new_page, msg))
    new_page.on("response", lambda response: _failed_response(new_page, response))
    new_page.url_for = lambda path: f"{live_server.url}{path}"
    yield new_page
    context.close()


@pytest.fixture
def sign_in():
    """``sign_in(page, username, next_path=None)``: fill the host's login form and wait to land."""

    def do_sign_in(page, username, next_path=None):
        url = "/login/" + (f"?next={quote(next_path)}" if next_path else "")
        page.goto(url)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        expected = next_path or "/perf-mgmt/"
        assert page.url.endswith(expected), f"sign-in as {username} landed on {page.url}, expected {expected}"
        return page

    return do_sign_in


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` -> the full-page PNG saved as var/screenshots/<name>.png
    (to look at after a run; the README's pictures come from the demo data, scripts/demo_screenshots.py)."""

    def take(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
        return path

    return take
