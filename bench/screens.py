"""Screenshots to look at: every page of the registry (and the Trends views and a Present slide, which have
their own links) in every language, at 1440×900 and on a phone (390×844), full page, into
artifacts/screens/<lang>/<page>-<size>.png
(and the page's text beside it, .txt). Starts the real app (real data) on a free port, headless Chromium,
offline. Not part of `make test`; about 10 minutes. Options: --langs en,ru --pages overview,map --sizes desktop
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components.core.pages import PAGES  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, run_server  # noqa: E402

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
DRAWN = (
    "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas, "
    "[data-testid='stDataFrame'], [data-testid='stTable'], [data-testid='stDeckGlJsonChart']"
)
LANGS = ("en", "et", "lv", "lt", "ru")
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
OUT = ROOT / "artifacts" / "screens"


def views() -> list[tuple[str, str]]:
    """(name, link without lang) for every page of the registry, plus the views that are links of their own."""
    out = [(p.id, "/" + p.url) for p in PAGES if p.id != "present"]
    out += [("trends_chain", "/trends?view=chain"), ("trends_forms", "/trends?view=forms")]
    out += [
        ("present", "/present?deck=baltic-overview&slide=1"),
        ("present_map", "/present?deck=baltic-overview&slide=8"),
    ]
    return out


def _with_lang(link: str, lang: str) -> str:
    return link + ("&" if "?" in link else "?") + f"lang={lang}"


def shoot(page, url: str, path: Path) -> float:
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    with contextlib.suppress(Exception):  # pages without a chart or table (Add your figures)
        page.locator(DRAWN).first.wait_for(state="visible", timeout=30_000)
    page.wait_for_selector(READY, timeout=60_000)  # a rerun the URL sync may trigger
    page.wait_for_timeout(1200)  # charts settle
    # Streamlit scrolls inside its main section, not the document: grow the viewport to the content's height
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    full = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll(\"[data-testid='stMain'], [data-testid='stAppViewContainer'],"
        ' section.main, body")].map(e => e.scrollHeight))'
    )
    if full > height:
        page.set_viewport_size({"width": width, "height": min(full, 12_000)})
        page.wait_for_timeout(800)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    # the text as drawn, to read beside the picture (a chart's SVG text included)
    text = page.evaluate(
        "() => document.querySelector(\"[data-testid='stMain']\").innerText + '\\n--- chart text ---\\n' +"
        " [...document.querySelectorAll(\"[data-testid='stVegaLiteChart'] svg text\")].map(t => t.textContent)"
        ".join(' | ')"
    )
    path.with_suffix(".txt").write_text(text, encoding="utf-8")
    page.set_viewport_size({"width": width, "height": height})
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--langs", default=",".join(LANGS))
    ap.add_argument("--pages", default="", help="names from the list below (default: all)")
    ap.add_argument("--sizes", default=",".join(SIZES))
    args = ap.parse_args()
    if not CHROMIUM:
        sys.exit("needs Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    wanted = [v for v in views() if not args.pages or v[0] in args.pages.split(",")]
    count = 0
    with run_server("screens-server.log") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in args.sizes.split(","):
            w, h = SIZES[size]
            phone = size == "phone"
            for lang in args.langs.split(","):
                ctx = browser.new_context(
                    viewport={"width": w, "height": h}, device_scale_factor=1, is_mobile=phone, has_touch=phone
                )
                ctx.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith((base, "data:", "blob:")) else r.abort(),
                )
                page = ctx.new_page()
                for name, link in wanted:
                    path = OUT / lang / f"{name}-{size}.png"
                    try:
                        secs = shoot(page, base + _with_lang(link, lang), path)
                        count += 1
                        print(f"{path.relative_to(ROOT)}  {secs:.1f} s", flush=True)
                    except Exception as e:  # noqa: BLE001 - keep going, say which failed
                        print(f"FAILED {lang} {name} {size}: {e}", flush=True)
                ctx.close()
        browser.close()
    print(f"{count} screenshots in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
