"""Take full-page screenshots of every page in headless Chromium (for humans to look at).

Usage (server already running):
    .venv/bin/python tests/app/screenshots.py http://127.0.0.1:8599 artifacts/screens [path?query ...]
Prints the time until the first chart is drawn on each page.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

DEFAULT_PATHS = ["/", "/compare", "/trends", "/trends?view=chain", "/data", "/methodology"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def shoot(base: str, out: Path, paths: list[str], width: int = 1400) -> dict[str, float]:
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": int(os.environ.get("SHOT_HEIGHT", "1000"))})
        for path in paths:
            t0 = time.perf_counter()
            page.goto(base + path)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
            try:
                page.wait_for_selector(
                    "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas", timeout=20000
                )
                timings[path] = time.perf_counter() - t0
            except Exception:
                timings[path] = float("nan")
            page.wait_for_timeout(800)
            name = path.strip("/").replace("?", "_").replace("=", "-").replace("&", "_") or "overview"
            page.screenshot(path=str(out / f"{name}.png"), full_page=True, animations="disabled")
        browser.close()
    return timings


if __name__ == "__main__":
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8599"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "artifacts/screens")
    paths = sys.argv[3:] or DEFAULT_PATHS
    for k, v in shoot(base, out, paths).items():
        print(f"{k}: first chart after {v:.2f} s")
