"""A real `streamlit run campaign_app.py` on a free loopback port, driven by Debian's Chromium.

The server gets its own SQLite file and media folder, so it starts on an empty database: the
first visit shows the "create the first administrator" form. Its log is attached to the report of
every failing browser test.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from tests.conftest import skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
STARTUP_TIMEOUT_S = 60.0
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# Story modules run taller, so that no menu closes because the page scrolled under it.
STORY_WINDOW: ViewportSize = {"width": 1280, "height": 1800}
TIMEOUT_MS = 15_000
# Only the app under test: the favicon Streamlit would fetch from Google stays offline too.
NOT_LOOPBACK = re.compile(r"^(?!https?://127\.0\.0\.1[:/])[a-z]+://")
SERVER_LOG = pytest.StashKey[Path]()
WORKER_LOG = pytest.StashKey[Path]()
# The module whose first test expects a server nobody has used yet.
FIRST_RUN = "test_pages.py"
# Modules that read every page as the stories leave it (and add data of their own): they go last.
LAST_RUN = ("test_accessibility.py", "test_keyboard_walk.py")


@dataclass(frozen=True, slots=True)
class App:
    """The running server: its URL and the environment its command line needs."""

    url: str
    env: dict[str, str]

    def cli(self, *args: str) -> str:
        """Run `python -m campaigns ...` against the server's database; return its output."""
        done = subprocess.run(
            [sys.executable, "-m", "campaigns", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"`campaigns {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout


def _chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.read().decode().strip() == "ok")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _read_log(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else "(no log)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Attach the Streamlit server's log to every failing browser test."""
    report: pytest.TestReport = yield
    log = item.config.stash.get(SERVER_LOG, None)
    if report.failed and log is not None:
        report.sections.append(("streamlit server log", _read_log(log)))
    worker_log = item.config.stash.get(WORKER_LOG, None)
    if report.failed and worker_log is not None:
        report.sections.append(("render worker log", _read_log(worker_log)))
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run test_pages.py first of the browser modules: it starts on the first-run form.

    Other modules sign in (creating the administrator when they meet the server first), so they
    follow it whatever their names; the accessibility modules come last, and every other test
    keeps its place.
    """
    here = Path(__file__).parent
    slots = [index for index, item in enumerate(items) if item.path.parent == here]
    ordered = sorted(
        (items[index] for index in slots),
        key=lambda i: (i.path.name != FIRST_RUN, i.path.name in LAST_RUN),
    )
    for index, item in zip(slots, ordered, strict=True):
        items[index] = item


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium; the tests never download a browser."""
    path = _chromium_path()
    if path is None:
        skip_or_fail("Browser tests need Debian's chromium at /usr/bin/chromium (apt install)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[App]:
    """Spotlight served by `streamlit run` on a free port, on an empty, migrated database."""
    workdir = tmp_path_factory.mktemp("spotlight-browser")
    env = {
        **os.environ,
        "SPOTLIGHT_DATABASE_URL": f"sqlite:///{workdir / 'spotlight.db'}",
        "SPOTLIGHT_MEDIA_STORE": str(workdir / "media"),
        # The server enqueues rendering jobs here and the worker beside it takes them.
        "SPOTLIGHT_JOB_QUEUE": str(workdir / "jobs.db"),
        "SPOTLIGHT_APPLICATIONS_KEY_FILE": str(workdir / "applications.key"),
    }
    port = _free_port()
    served = App(url=f"http://127.0.0.1:{port}", env=env)
    served.cli("db", "upgrade")

    log_path = workdir / "streamlit.log"
    pytestconfig.stash[SERVER_LOG] = log_path
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "campaign_app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker_log = workdir / "worker.log"
    pytestconfig.stash[WORKER_LOG] = worker_log
    with worker_log.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "campaigns", "worker", "--workers", "1"],
            cwd=REPO_ROOT,
            env={**env, "SPOTLIGHT_RENDER_SPEED": "ultrafast"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(served.url):
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with code {server.returncode}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit was not healthy after {STARTUP_TIMEOUT_S:.0f} s")
            time.sleep(0.2)
        yield served
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def open_tab(browser: Browser, errors: list[str], locale: str | None = None) -> Page:
    """A page in a fresh browser context (so a fresh Streamlit session), recording JS errors.

    `locale` is the browser's language ("fr-FR"), which Spotlight follows until a user chooses.
    """
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(NOT_LOOPBACK, lambda route: route.abort())
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    return tab


@pytest.fixture(scope="module")
def page_errors() -> list[str]:
    """Uncaught JavaScript errors seen by the module's shared page."""
    return []


@pytest.fixture(scope="module")
def page(browser: Browser, app: App, page_errors: list[str]) -> Iterator[Page]:
    """One tab shared by a module's tests, so the Streamlit session (sign-in) carries over."""
    tab = open_tab(browser, page_errors)
    tab.goto(app.url)
    yield tab
    tab.context.close()


@pytest.fixture
def fresh_page(browser: Browser, app: App) -> Iterator[Page]:
    """A tab of its own: a new Streamlit session, signed out."""
    tab = open_tab(browser, [])
    tab.goto(app.url)
    yield tab
    tab.context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where screenshots land (test-artifacts/browser, ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def failures_before_the_story(request: pytest.FixtureRequest) -> int:
    """How many tests of the session had failed when a story module began."""
    return int(request.session.testsfailed)


@pytest.fixture
def story_step(
    request: pytest.FixtureRequest,
    page: Page,
    page_errors: list[str],
    failures_before_the_story: int,
) -> Iterator[None]:
    """One step of a story (a module naming its STORY): later steps need the earlier ones."""
    # A step is skipped only once an earlier step of the same story has already failed.
    if request.session.testsfailed > failures_before_the_story:
        pytest.skip(f"an earlier step of the {request.module.STORY} story failed")
    page.set_viewport_size(STORY_WINDOW)
    before = len(page_errors)
    yield
    assert page_errors[before:] == [], "uncaught JavaScript errors in the page"
