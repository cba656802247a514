"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live_server.

Never a downloaded browser: without /usr/bin/chromium every test marked `browser` is skipped
with the reason below, so `make test` still passes on such a machine.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the test thread, which makes
# Django refuse ORM calls there (SynchronousOnlyOperation). The tests only touch the ORM
# between browser steps, never concurrently with them.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Debian's Chromium is not installed (/usr/bin/chromium); .ci/run installs it"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=CHROMIUM_MISSING)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        pytest.skip(CHROMIUM_MISSING)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh context (no cookies) pointed at the live server; all closed after."""
    contexts = []

    def open_page(viewport=DESKTOP, bypass_csp=False):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="en-US",
            timezone_id="UTC",
            # Only the accessibility checker needs it: it injects axe-core into the page.
            bypass_csp=bypass_csp,
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page."""
    return new_page(DESKTOP)


@pytest.fixture
def phone_page(new_page):
    """A phone-sized page (390 x 844 CSS pixels, like a current iPhone)."""
    return new_page(PHONE)
