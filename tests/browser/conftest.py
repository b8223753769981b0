"""A real JupyterLab server and a real headless Chromium for the browser tests."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hml_grader.paths import NOTEBOOKS, ROOT, SOLUTIONS
from lesson_utils import colab

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

OUTSIDE = re.compile(r"^(?!(https?|wss?)://127\.0\.0\.1[:/])[a-z]+://")
"""Any address not on this machine's JupyterLab (data: and blob: URLs are not requests)."""
BADGE_LABELS = {colab.COLAB_BADGE: "Open in Colab", colab.BINDER_BADGE: "launch binder"}


def badge_svg(label: str) -> str:
    """A stand-in for a badge image, drawn here: the tests never depend on the network."""
    width = 7 * len(label) + 12
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20"><rect width="{width}" height="20" '
            f'rx="3" fill="#555"/><text x="6" y="14" fill="#fff" font-family="sans-serif" font-size="11">{label}'
            "</text></svg>")


def outside(route) -> None:
    """Serve the badge images; refuse every other request off this machine (it then shows as a console error)."""
    label = BADGE_LABELS.get(route.request.url)
    if label is None:
        route.abort()
    else:
        route.fulfill(status=200, content_type="image/svg+xml", body=badge_svg(label))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab: its base URL, token and the folder it serves."""

    def __init__(self, root: Path, port: int, token: str, process: subprocess.Popen):
        self.root, self.port, self.token, self.process = root, port, token, process
        self.url = f"http://127.0.0.1:{port}"

    def notebook_url(self, relative: str) -> str:
        return f"{self.url}/lab/tree/{relative}?token={self.token}&reset"


def wait_until_up(lab: Lab, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {lab.process.returncode}")
        try:
            with urllib.request.urlopen(f"{lab.url}/api/status?token={lab.token}", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("JupyterLab did not start within 90 s")


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    """JupyterLab on a copy of notebooks/ and solutions/, on a free loopback port with a token."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    shutil.copytree(SOLUTIONS, root / "solutions")
    port, token = free_port(), secrets.token_hex(16)
    log = open(root / "jupyterlab.log", "w")  # noqa: SIM115 (closed at teardown)
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", f"--port={port}", "--ip=127.0.0.1", f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
        "--ServerApp.open_browser=False", "--LabServerApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    # Own user settings: no "get notified about Jupyter news?" toast over the notebook.
    settings = root / "lab-settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    # Every cell kept rendered: with windowing, a cell scrolled out of view can be unpainted or
    # replaced when it is read, which says nothing about what a learner sees once there.
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}'
    )
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", JUPYTERLAB_SETTINGS_DIR=str(settings))
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    server = Lab(root, port, token, process)
    try:
        wait_until_up(server)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, headless, driven by Playwright.

    Playwright's synchronous API keeps an event loop running in this thread while it is open, so it is closed
    when this package's tests are done: the tests that run after them on the same worker find no loop running.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser page that records console errors; its screenshot is kept when the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route(OUTSIDE, outside)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
