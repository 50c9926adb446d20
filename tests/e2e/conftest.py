"""Browser tests: start the real app (real data in data/) on a free port, drive Debian's Chromium.

Chromium comes from Debian (`apt-get install chromium`, done by .ci/run); Playwright cannot
download its own browser here. Every request that is not to the app is aborted and recorded, so a
test proves the page works with no network.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "artifacts" / "screens"

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def run_server(log_name: str = "e2e-server.log", script: str = "app.py"):
    """Start `streamlit run <script>` on a free port (real data), wait for health, yield the URL, stop it.
    `server.py` is the full process (the app plus the data API)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "THB_DATA_DIR"}  # the real data
    (ROOT / "artifacts").mkdir(exist_ok=True)
    # the server writes into its own copy of the descriptor: ours is closed once it has started
    with open(ROOT / "artifacts" / log_name, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.headless=true",
                f"--server.port={port}",
                "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the app did not start (see artifacts/{log_name})")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url():
    if not CHROMIUM:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    with run_server() as url:
        yield url


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# Streamlit's own requests on a deep link that 404 before it falls back to the root (STREAMLIT_NOTES,
# "Offline maps"): the only console errors a test may ignore.
STREAMLIT_DEEP_LINK_404 = ("/_stcore/health", "/_stcore/host-config")


def new_offline_page(browser, base_url: str):
    """A page whose requests can reach only the app; anything else is aborted and listed in
    `page.blocked`. Console errors go to `page.console_errors` as (text, url)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
    page = ctx.new_page()
    page.blocked = []
    page.console_errors = []

    def route(r):
        u = r.request.url
        if u.startswith(base_url + "/") or u == base_url or u.startswith(("data:", "blob:")):
            r.continue_()
        else:
            page.blocked.append(u)
            r.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: (
            page.console_errors.append((m.text, (m.location or {}).get("url", ""))) if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda e: page.console_errors.append((f"pageerror: {e}", "")))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return page


def app_console_errors(page) -> list[tuple[str, str]]:
    """Console errors other than Streamlit's own deep-link 404s."""
    return [
        (t, u)
        for t, u in page.console_errors
        if not (
            t.startswith("Failed to load resource: the server responded with a status of 404")
            and u.endswith(STREAMLIT_DEEP_LINK_404)
        )
    ]


@pytest.fixture
def offline_page(chromium_browser, app_url):
    page = new_offline_page(chromium_browser, app_url)
    yield page
    page.context.close()
