"""Benchmarks: `python bench/run.py` prints each figure as the median of several runs and as a ratio
against a floor measured in the same run. Not part of `make test`. About 5-8 minutes.

1. Warm rerun of every page under AppTest vs bench/bare_page.py with the same number and kind of
   elements (Altair charts, pydeck map, dataframes) from the same data (goal <= 1.5x).
2. Dataset build (`python -m etl` on a copy of data/, goal < 2 s) and load time.
3. Cold start to first chart in headless Chromium per page (fresh server each time: process start to
   the first chart/map/table drawn) vs bench/bare_app.py, a bare one-chart app run in turn with it (goal <= 1.3x).
4. Server RSS after 10 concurrent browser sessions (MB per extra session), app vs bare app.
Options: --quick (fewer runs), --only warm,build,cold,memory
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
import logging  # noqa: E402

logging.disable(logging.WARNING)  # Streamlit's bare-mode warnings

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402

PAGES = {
    "overview": ("/", None),
    "compare": ("/compare", "app_pages/compare.py"),
    "trends": ("/trends", "app_pages/trends.py"),
    "map": ("/map", "app_pages/map.py"),
    "data": ("/data", "app_pages/data.py"),
    "methodology": ("/methodology", "app_pages/methodology.py"),
}
DRAWN = (
    "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas, "
    "[data-testid='stDeckGlJsonChart'] canvas, [data-testid='stDataFrame']"
)
# the map itself (issue 18's goal: cold start to the first drawn map, not to the page's first table): the
# page's map is the drawn (Vega-Lite) one; "Zoomable map" (zoom=1) is the deck.gl canvas
MAP_DRAWN = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"
ZOOMABLE_DRAWN = "[data-testid='stDeckGlJsonChart'] canvas"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
PAGE_FILTER: set[str] = set()


def med(xs):
    return statistics.median(xs)


def line(name, value, floor=None, unit="s", goal=None):
    s = f"  {name:<28} {value:8.3f} {unit}"
    if floor:
        r = value / floor
        s += f"   floor {floor:8.3f} {unit}   ratio {r:5.2f}x"
        if goal:
            s += "   ok" if r <= goal else f"   MISSED (goal <= {goal}x)"
    print(s, flush=True)


# ---------------------------------------------------------------------------- 1. warm reruns
def warm(runs: int) -> None:
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from streamlit.testing.v1 import AppTest

    os.environ.pop("THB_DATA_DIR", None)  # the real data
    print(f"Warm rerun under AppTest (median of {runs}; real data)", flush=True)

    def timed(at):
        at.run()  # warm caches
        ts = []
        for _ in range(runs):
            t0 = time.perf_counter()
            at.run()
            ts.append(time.perf_counter() - t0)
        return med(ts)

    for name, (_, path) in PAGES.items():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if path:
            at.switch_page(path)
        at.run()
        assert not at.exception, at.exception
        counts = {
            "charts": len(at.get("vega_lite_chart")),
            "maps": len(at.get("deck_gl_json_chart")),
            "tables": len(at.dataframe),
        }
        t_app = timed(at)
        bare = AppTest.from_file(str(ROOT / "bench" / "bare_page.py"), default_timeout=60)
        for k, v in counts.items():
            bare.query_params[k] = str(v)
        t_bare = timed(bare)
        kinds = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
        line(f"{name} ({kinds})", t_app, t_bare, goal=1.5)


# ---------------------------------------------------------------------------- 2. build and load
def build(runs: int) -> None:
    print(f"Dataset build and load (median of {runs})", flush=True)
    ts = []
    with tempfile.TemporaryDirectory() as tmp:
        dst = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", dst)
        for _ in range(runs):
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "etl", "--data", str(dst)], cwd=ROOT, capture_output=True)
            ts.append(time.perf_counter() - t0)
            if r.returncode:
                print(r.stderr.decode()[-800:])
    line("python -m etl (process)", med(ts))
    print("    goal < 2 s:", "ok" if med(ts) < 2 else "MISSED", flush=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pandas"], check=True)
    floor = time.perf_counter() - t0
    print(f"    (floor: python -c 'import pandas' {floor:.3f} s)")
    import pandas as pd
    import streamlit as st

    from components.ui import page_data

    lt, lr = [], []
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        t0 = time.perf_counter()
        page_data.load_dataset(ROOT / "data")
        lt.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pd.read_csv(ROOT / "data" / "harmonised" / "thb_baltic.csv")
        lr.append(time.perf_counter() - t0)
    line("load_dataset (uncached)", med(lt), med(lr))
    print("    (floor: pandas.read_csv of the same table)", flush=True)


# ---------------------------------------------------------------------------- 3./4. browser
class Server:
    def __init__(self, script: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "THB_DATA_DIR"}
        self.t0 = time.perf_counter()
        self.started = time.time()  # the same clock as the browser's performance.timeOrigin
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.headless=true",
                f"--server.port={self.port}",
                "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_port(self):
        import socket

        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.proc.poll() is not None:
                raise RuntimeError("server died")
            time.sleep(0.05)

    def rss_mb(self) -> float:
        import psutil  # the bench extra (pyproject.toml)

        return psutil.Process(self.proc.pid).memory_info().rss / (1 << 20)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# The page notes the moment its first chart is drawn, checked on every frame. Playwright's own wait checks
# every 500 ms once it has waited a while, so the moment it returned was up to half a second late, at random:
# the bare app's cold start came out at 2.0 s or 2.45 s from one run to the next. Drawn: visible (a size, not
# hidden, as Playwright's "visible") and, for a Vega SVG, holding a data mark (Streamlit draws a chart's axes
# first and adds its data after, so an SVG with a size may still be empty).
_NOTE_DRAWN = """
((sel) => {
  const check = () => {
    const shown = [...document.querySelectorAll(sel)].some((e) => {
      const r = e.getBoundingClientRect();
      const visible = r.width > 0 && r.height > 0 && getComputedStyle(e).visibility === "visible";
      return visible && (e.tagName.toLowerCase() !== "svg" || e.querySelector(".role-mark > *") !== null);
    });
    if (shown) window.__thbDrawn = performance.timeOrigin + performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})(%s);
"""


def _open(browser, url, drawn: str = DRAWN):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.add_init_script(_NOTE_DRAWN % json.dumps(drawn))
    page.goto(url, timeout=120_000)
    page.locator(f"{drawn} >> visible=true").first.wait_for(state="visible", timeout=120_000)
    page.wait_for_function("window.__thbDrawn !== undefined", timeout=10_000)
    import os

    if os.environ.get("BENCH_WHICH"):
        print(
            "     first drawn:",
            page.evaluate(
                """(sel) => { const e = [...document.querySelectorAll(sel)].find(x => x.getBoundingClientRect().width > 0); return e ? e.closest('[data-testid]').getAttribute('data-testid') + ' ' + e.tagName : 'none'; }""",
                DRAWN,
            ),
            flush=True,
        )
    return ctx, page


def cold(runs: int) -> None:
    from playwright.sync_api import sync_playwright

    print(
        f"Cold start to first chart in headless Chromium (fresh server per run: process start -> first "
        f"chart/map/table drawn; median of {runs}, each run of a page right after a run of the bare app)",
        flush=True,
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def once(script, path, drawn=DRAWN) -> float:
            """Seconds from the process's start to the first chart drawn. A deck.gl canvas has its size before
            WebGL has drawn the map into it (seconds later, on this software renderer), so the zoomable map
            counts until Playwright sees it, as before; Vega draws its SVG or canvas as it makes it."""
            for _attempt in range(3):  # a free port taken by another process meanwhile: a new server
                srv = Server(script)
                try:
                    srv.wait_port()
                    break
                except RuntimeError:
                    srv.stop()
            else:
                raise RuntimeError(f"{script} did not start three times")
            try:
                ctx, page = _open(browser, srv.url + path, drawn)
                if drawn == ZOOMABLE_DRAWN:
                    seconds = time.perf_counter() - srv.t0
                else:
                    seconds = page.evaluate("window.__thbDrawn") / 1000 - srv.started
                ctx.close()
            finally:
                srv.stop()
            return seconds

        floors: list[float] = []

        def paired(script, path, drawn=DRAWN) -> tuple[float, float]:
            """(the page's median, the bare app's median over runs taken in turn with it): this machine's bare
            app varied between 1.9 and 2.6 s from one minute to the next, mostly in the time the process takes
            to open its port, so each page is set against the floor of the same minutes."""
            page_ts, floor_ts = [], []
            for _ in range(runs):
                floor_ts.append(once("bench/bare_app.py", "/"))
                page_ts.append(once(script, path, drawn))
            floors.extend(floor_ts)
            return med(page_ts), med(floor_ts)

        for name, (path, _) in PAGES.items():
            if PAGE_FILTER and name not in PAGE_FILTER:
                continue
            value, floor = paired(ENTRY, path)
            line(name, value, floor, goal=1.3)
        if not PAGE_FILTER or "map" in PAGE_FILTER:
            value, floor = paired(ENTRY, "/map", MAP_DRAWN)
            line("map: first drawn map", value, floor, goal=1.8)
            value, floor = paired(ENTRY, "/map?zoom=1", ZOOMABLE_DRAWN)
            line("map: zoomable map (zoom=1)", value, floor)
        if floors:
            print(
                f"  bare one-chart app: median {med(floors):.3f} s, "
                f"{min(floors):.3f}-{max(floors):.3f} s over {len(floors)} runs"
            )
        browser.close()


def memory(sessions: int = 10) -> None:
    from playwright.sync_api import sync_playwright

    print(f"Server RSS with {sessions} concurrent browser sessions (overview page)", flush=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        res = {}
        for label, script in (("bare one-chart app", "bench/bare_app.py"), ("app", "app.py")):
            srv = Server(script)
            try:
                srv.wait_port()
                first = [_open(browser, srv.url + "/")]
                time.sleep(1)
                one = srv.rss_mb()
                ctxs = first + [_open(browser, srv.url + "/") for _ in range(sessions - 1)]
                for _c, pg in ctxs:
                    pg.wait_for_selector(READY, timeout=120_000)
                time.sleep(2)
                many = srv.rss_mb()
                for c, _pg in ctxs:
                    c.close()
                res[label] = (one, many, (many - one) / (sessions - 1))
                print(
                    f"  {label:<28} RSS 1 session {one:7.1f} MB, {sessions} sessions {many:7.1f} MB, "
                    f"{res[label][2]:5.2f} MB per extra session",
                    flush=True,
                )
            finally:
                srv.stop()
        browser.close()
    a, b = res["app"][2], res["bare one-chart app"][2]
    if b > 0:
        print(f"  per extra session: ratio app / bare {a / b:.2f}x")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="warm,build,cold,memory")
    ap.add_argument("--pages", default="", help="cold start: only these pages (comma-separated)")
    ap.add_argument(
        "--entry",
        default="server.py",
        help="cold start: the script started (server.py: what `make run` starts, with its warm-up; app.py: the "
        "pages alone, as the measurements before issue 30)",
    )
    a = ap.parse_args()
    ENTRY = a.entry
    PAGE_FILTER = set(filter(None, a.pages.split(",")))
    parts = set(a.only.split(","))
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    t = time.perf_counter()
    if "warm" in parts:
        warm(3 if a.quick else 7)
    if "build" in parts:
        build(3 if a.quick else 5)
    if "cold" in parts:
        cold(1 if a.quick else 3)
    if "memory" in parts:
        memory()
    print(f"bench took {time.perf_counter() - t:.0f} s")
