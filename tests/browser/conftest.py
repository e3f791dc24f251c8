"""End-to-end fixtures: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("ARCHIVE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while it runs, which
    # makes Django's guard against the ORM in async code refuse the tests' own
    # database set-up; the guard is lifted for as long as the browser runs, no longer.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def archive_url(live_server, transactional_db):
    """The live server's address, with the seed and demo articles loaded and indexed."""
    call_command("loaddata", "seed", "demo", verbosity=0)
    call_command("rebuild_index", interactive=False, verbosity=0)
    return live_server.url


@pytest.fixture
def outside_requests():
    """Every request the pages tried to send beyond this machine (they are blocked)."""
    return []


@pytest.fixture
def console_errors():
    """Errors the pages reported in the console (a CSP violation or a failed request shows up here)."""
    return []


@pytest.fixture
def open_page(browser, archive_url, outside_requests, console_errors):
    """Return a function opening a page in a fresh context: language, viewport, JavaScript on or off.

    Requests to anything but the live server's loopback address are recorded and
    aborted; the test fails at the end if there was any.
    """
    contexts = []

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("http://", "https://", "ws://", "wss://")) and host not in LOCAL_HOSTS:
            outside_requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    def open_(path="/", *, language="ar", viewport=DESKTOP, javascript=True, browser_locale=None):
        context = browser.new_context(
            viewport=viewport,
            locale=browser_locale or ("ar" if language == "ar" else "en-GB"),
            java_script_enabled=javascript,
            accept_downloads=True,
        )
        contexts.append(context)
        if language != "ar":
            # The reader's choice with the language switch: pages do not follow the browser's locale.
            context.add_cookies([{"name": "django_language", "value": language, "url": archive_url}])
        context.route("**/*", guard)
        page = context.new_page()
        page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        page.set_default_timeout(15_000)
        page.goto(archive_url + path)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert outside_requests == [], f"requests left the machine: {outside_requests}"
    assert console_errors == [], f"errors in the browser console: {console_errors}"


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
