"""A real `streamlit run campaign_app.py` on a free loopback port, and Debian's Chromium to drive it.

The server gets its own SQLite file and media folder, so it starts on an empty database: the
first visit shows the "create the first administrator" form. Its log is attached to the report of
every failing browser test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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
SERVER_LOG = pytest.StashKey[Path]()


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
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[None]:
    """Attach the Streamlit server's log to every failing browser test."""
    report: pytest.TestReport = yield
    log = item.config.stash.get(SERVER_LOG, None)
    if report.failed and log is not None:
        report.sections.append(("streamlit server log", _read_log(log)))
    return report


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium; the tests never download a browser."""
    path = _chromium_path()
    if path is None:
        skip_or_fail("Browser tests need Debian's chromium at /usr/bin/chromium (apt install)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def app_url(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[str]:
    """The URL of a Streamlit server running Spotlight on an empty, migrated database."""
    workdir = tmp_path_factory.mktemp("spotlight-browser")
    env = {
        **os.environ,
        "SPOTLIGHT_DATABASE_URL": f"sqlite:///{workdir / 'spotlight.db'}",
        "SPOTLIGHT_MEDIA_STORE": str(workdir / "media"),
    }
    upgrade = subprocess.run(
        [sys.executable, "-m", "campaigns", "db", "upgrade"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if upgrade.returncode != 0:
        pytest.fail(f"`campaigns db upgrade` failed:\n{upgrade.stdout}\n{upgrade.stderr}")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
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
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(url):
            if server.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {server.returncode}:\n{_read_log(log_path)}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit was not healthy after {STARTUP_TIMEOUT_S:.0f} s:\n"
                    f"{_read_log(log_path)}"
                )
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        del pytestconfig.stash[SERVER_LOG]


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[object]:
    """One headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Browser tests need the playwright package (requirements-dev.txt)")
        raise
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where screenshots land (test-artifacts/browser, ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
