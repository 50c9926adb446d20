"""Opt-in: start the app, open deep links in headless Chromium after a cold start, save screenshots.

    THB_SCREENSHOTS=1 .venv/bin/python -m pytest tests/app/test_screenshots.py -q -s

PNGs go to artifacts/screens/ for humans to look at; the test asserts structure only.
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

from tests.app.conftest import DATA_DIR, ROOT

pytestmark = pytest.mark.skipif(not os.environ.get("THB_SCREENSHOTS") or not shutil.which("chromium"),
                                reason="opt-in (THB_SCREENSHOTS=1) and needs Debian's chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    env = {**os.environ, "THB_DATA_DIR": str(DATA_DIR)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={port}",
         "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            time.sleep(0.25)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_cold_start_deep_link_and_screenshots(server):
    from playwright.sync_api import sync_playwright

    from tests.app.screenshots import CHROMIUM_ARGS, DEFAULT_PATHS, shoot

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page()
        # the very first request after start is a deep link: the frame must run and keep the params
        page.goto(server + "/compare?m=pm&stack=pct")
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
        page.wait_for_selector("[data-testid='stVegaLiteChart']", timeout=30000)
        assert "m=pm" in page.url and "stack=pct" in page.url
        assert page.get_by_text("How to cite").count() >= 1  # footer from app.py
        assert page.get_by_test_id("stSidebarNav").get_by_text("Methodology").count() == 1
        browser.close()
    times = shoot(server, ROOT / "artifacts" / "screens", DEFAULT_PATHS)
    assert all(t == t for k, t in times.items() if k != "/data"), times  # NaN = no chart drawn
    print("first chart (s):", {k: round(v, 2) for k, v in times.items()})
