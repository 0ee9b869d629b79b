"""Browser journeys: Debian's Chromium, driven by Playwright, against `live_server`.

Each test gets a fresh `page` whose relative URLs go to the live server, so
`page.goto("/contracts/")` works. The other fixtures are `login(username, password)`
and `screenshot(page, name)`, which saves a full-page PNG in test-artifacts/screenshots/.
Every test in this folder is marked `browser` (deselect with `-m "not browser"`)
and uses `transactional_db`, because the live server answers from another thread
and so cannot see data kept inside a test's transaction.
"""

import contextlib
import os
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test's thread, and Django's
# ORM refuses to run in a thread with an event loop unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
# This machine has no internet: the background-networking flags stop Chromium
# from trying to reach Google's services at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[1] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items, not only this folder's.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item, so `page` can tell a failed test.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started after the test database is made, so
    that it stops before the database is dropped at the end of the session.

    With the browser closed first (`browser` uses this), each thread that was
    serving one of its connections ends and closes its own database connection
    (kept between requests, CONN_MAX_AGE); waiting for them here means none is
    still connected when PostgreSQL is asked to drop the test database, which
    it refuses while anyone is connected."""
    yield live_server
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(live_server):
    if not CHROMIUM.exists():
        message = (
            f"Chromium is not installed at {CHROMIUM}, so the browser tests cannot run. "
            "Install it with: apt-get update && apt-get install -y chromium"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _save(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture
def page(request, browser, live_server, transactional_db):
    # A transactional test starts from a flushed database: put back the data the
    # migrations create (groups come back through post_migrate on their own).
    from commissioning.projects.defaults import create_defaults
    from commissioning.projects.models import Gateway, ProcurementThreshold

    create_defaults(Gateway, ProcurementThreshold)

    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
        # Bootstrap drops its transitions for reduced motion, so a click never
        # lands on a form that is still sliding open.
        reduced_motion="reduce",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        # A picture of where a journey stopped, named after the test.
        with contextlib.suppress(PlaywrightError):
            _save(page, "FAILED-" + re.sub(r"[^\w.-]+", "_", request.node.name))
    context.close()


@pytest.fixture
def screenshot():
    """`screenshot(page, "contract-list")` saves test-artifacts/screenshots/contract-list.png."""
    return _save


@pytest.fixture
def login(page):
    """`login(username, password)` signs in through the login form, as a person would."""

    def sign_in(username: str, password: str):
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return sign_in


@pytest.fixture
def pick():
    """`pick(scope, "Acts on contracts", "carers", "LBB-CARERS-2025")` types into a
    picker (commissioning/core/pickers.py) as a person would and clicks the match
    holding the last text among those the endpoint offers."""

    def choose(scope, label: str, typed: str, match: str):
        box = scope.get_by_role("combobox", name=re.compile(rf"^{re.escape(label)}\*?$"))
        box.press_sequentially(typed, delay=30)
        box.page.locator(".ts-dropdown .option", has_text=match).first.click()

    return choose
