"""Browser tests: start the real app (real data in data/) on a free port, drive Debian's Chromium.

Chromium comes from Debian (`apt-get install chromium`, done by .ci/run); Playwright cannot
download its own browser here. Every request that is not to the app is aborted and recorded, so a
test proves the page works with no network.
"""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def app_url():
    if not CHROMIUM:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "THB_DATA_DIR"}  # the real data
    log = open(ROOT / "artifacts" / "e2e-server.log", "w") if (ROOT / "artifacts").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={port}",
         "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
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
                raise RuntimeError("the app did not start (see artifacts/e2e-server.log)")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def offline_page(chromium_browser, app_url):
    """A page whose requests can reach only the app; anything else is aborted and listed in
    `page.blocked`."""
    ctx = chromium_browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
    page = ctx.new_page()
    page.blocked = []
    page.console_errors = []

    def route(r):
        if r.request.url.startswith(app_url) or r.request.url.startswith("data:") or \
                r.request.url.startswith("blob:"):
            r.continue_()
        else:
            page.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield page
    ctx.close()
