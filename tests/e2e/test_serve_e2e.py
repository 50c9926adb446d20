"""Several processes behind nginx, in a real browser: the command `make serve REPLICAS=2 PORT=P` runs
(`python deploy/serve.py --replicas 2 --port P`), pages opened by deep link through nginx, a CSV
downloaded through it (the download is a media URL that must reach the process holding the session),
the health endpoint, and a process that dies is routed around and restarted.

Needs Debian's nginx (`.ci/run` installs it) and chromium; skipped with that reason if either is missing.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, ROOT, _free_port, app_console_errors, new_offline_page

NGINX = "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
pytestmark = [
    pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (apt-get install chromium)"),
    pytest.mark.skipif(not NGINX, reason="needs Debian's nginx (apt-get install nginx; .ci/run installs it)"),
]

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"
MAP = "[data-testid='stVegaLiteChart'] svg"  # the page's map (zoom=1 draws the deck.gl canvas)


def _get(url: str, timeout: float = 3.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read(), r.headers


def _view(u: str):
    parts = urlsplit(u)
    return parts.path, parse_qs(parts.query)


def _healthy(url: str) -> bool:
    try:
        return _get(url + "/_stcore/health")[1] == b"ok"
    except OSError:
        return False


def _makefile_serve_command() -> list[str]:
    """The `serve` recipe of the Makefile (so this test runs what `make serve` runs)."""
    text = (ROOT / "Makefile").read_text()
    m = re.search(r"^serve:.*\n\t\$\(BIN\)/python (.+)$", text, re.M)
    assert m, "the Makefile has no `serve` target running $(BIN)/python"
    return m.group(1).split()


@pytest.fixture(scope="module")
def served():
    port = _free_port()
    args = [a.replace("$(REPLICAS)", "2").replace("$(PORT)", str(port)).replace("$(HOST)", "127.0.0.1")
            for a in _makefile_serve_command()]
    assert args[0] == "deploy/serve.py"
    env = {k: v for k, v in os.environ.items() if k != "THB_DATA_DIR"}  # the real data
    (ROOT / "artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "artifacts" / "e2e-serve.log", "w")
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 240
        while not _healthy(url):
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("make serve did not become healthy (see artifacts/e2e-serve.log)")
            time.sleep(0.5)
        yield url, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _app_pids(serve_pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd = (d / "cmdline").read_bytes()
            except (OSError, ValueError, IndexError):
                continue
            if ppid == serve_pid and b"streamlit" in cmd:
                out.append(int(d.name))
    return sorted(out)


def test_health_through_nginx_and_the_affinity_cookie(served):
    url, proc = served
    status, body, headers = _get(url + "/_stcore/health")
    assert (status, body) == (200, b"ok")
    cookies = headers.get_all("Set-Cookie") or []
    assert any(c.startswith("thb_route=") and "HttpOnly" in c for c in cookies), cookies
    assert len(_app_pids(proc.pid)) == 2
    # each process warmed up before it said ok: it ran every default view (components/warmup.py)
    from components.warmup import VIEWS

    done = [ln for ln in (ROOT / "artifacts" / "e2e-serve.log").read_text().splitlines() if "warm-up done" in ln]
    assert len(done) >= 2, done
    for ln in done[:2]:
        assert all(f"'{v}':" in ln for v in VIEWS), ln


@pytest.mark.parametrize("link,drawn", [("/trends?c=EE,LT&ind=convicted", CHART), ("/map?per=2019&sel=LV", MAP),
                                        ("/?c=EE,LT", CHART)], ids=["trends", "map", "overview"])
def test_deep_link_through_nginx(chromium_browser, served, link, drawn):
    url, _ = served
    page = new_offline_page(chromium_browser, url)
    try:
        page.goto(url + link)
        page.wait_for_selector(READY, timeout=120_000)
        page.locator(drawn).first.wait_for(state="visible", timeout=90_000)
        page.wait_for_selector(READY, timeout=60_000)
        assert page.get_by_test_id("stSidebar").count() == 1
        assert page.get_by_test_id("stException").count() == 0
        assert page.get_by_test_id("stAlertContentError").count() == 0
        assert _view(page.url) == _view(url + link)  # the URL keeps the view
        assert any(c["name"] == "thb_route" for c in page.context.cookies())
        assert app_console_errors(page) == []
        assert page.blocked == [], page.blocked
    finally:
        page.context.close()


def test_csv_download_through_nginx(chromium_browser, served):
    """The export panel's CSV is a media URL of the process holding the session: it must arrive."""
    url, _ = served
    page = new_offline_page(chromium_browser, url)
    try:
        page.goto(url + "/compare?c=EE,LV&m=pm")
        page.wait_for_selector(READY, timeout=120_000)
        page.locator(CHART).first.wait_for(state="visible", timeout=90_000)
        button = page.get_by_test_id("stDownloadButton").filter(has_text="CSV").first
        with page.expect_download(timeout=60_000) as dl:
            button.click()
        name = dl.value.suggested_filename
        assert name.startswith("thb-") and name.endswith(".csv") and "per-million" in name, name
        assert dl.value.failure() is None
        body = open(dl.value.path(), encoding="utf-8-sig").read()
        assert body.count("\n") >= 2 and "source" in body.splitlines()[0].lower()
        page.screenshot(path=str(ARTIFACTS / "e2e_serve_compare.png"), full_page=True, animations="disabled")
        assert page.blocked == [], page.blocked
    finally:
        page.context.close()


def test_a_dead_process_is_routed_around_and_restarted(served):
    url, proc = served
    before = _app_pids(proc.pid)
    os.kill(before[0], signal.SIGKILL)
    for _ in range(5):  # the proxy's health stays ok on the other process (bounded)
        assert _get(url + "/_stcore/health")[1] == b"ok"
        time.sleep(0.2)
    deadline = time.time() + 120
    while time.time() < deadline:  # serve.py notices within 5 s and starts a new one
        now = _app_pids(proc.pid)
        if len(now) == 2 and before[0] not in now:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the killed process was not restarted: {before} -> {_app_pids(proc.pid)}")
    assert proc.poll() is None
