"""The map in a real browser with no network. The page's map (the static Vega-Lite figure) draws the
three states in their class colours with title, legend and attribution, and a click on a state opens its
detail and goes into the URL; the zoomable map (zoom=1, deck.gl) draws the same fills on its canvas and
takes a click the same way; flows draw. Screenshots go to artifacts/screens/."""

from __future__ import annotations

import math
import time

from components.core.dataset import load
from components.draw import map_deck as mp
from tests.e2e.conftest import ARTIFACTS, ROOT, app_console_errors

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
DECK = "[data-testid='stDeckGlJsonChart']"
VEGA_MAP = "[data-testid='stVegaLiteChart']"  # the page's map is its first chart
# a point inside each state, clear of labels and city dots (lon, lat)
PROBES = {"EE": (24.0, 58.75), "LV": (22.5, 56.9), "LT": (22.7, 55.55)}


def _left_the_machine(page) -> list[str]:
    return list(page.blocked)  # app.py's page icon is an emoji now: not even the frame may leave


def _pixel(view: dict, lon: float, lat: float, w: int, h: int) -> tuple[int, int]:
    """Web Mercator: canvas pixel of (lon, lat) for a deck.gl view state on a w x h canvas."""
    size = 512 * 2 ** view["zoom"]

    def xy(lo, la):
        return (
            (lo + 180) / 360 * size,
            (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * size,
        )

    x, y = xy(lon, lat)
    xc, yc = xy(view["longitude"], view["latitude"])
    return round(w / 2 + x - xc), round(h / 2 + y - yc)


def _patch_rgb(img, x: int, y: int, r: int = 3) -> tuple[int, int, int]:
    px = sorted((img.getpixel((i, j))[:3] for i in range(x - r, x + r + 1) for j in range(y - r, y + r + 1)), key=sum)
    return px[len(px) // 2]


def _dist(a, b) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))


def _open(page, url: str) -> float:
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(f"{DECK} canvas", timeout=120_000)
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_timeout(1500)  # let deck.gl finish the first frames (software WebGL)
    return time.perf_counter() - t0


def _open_drawn(page, url: str) -> float:
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(f"{VEGA_MAP} svg", timeout=120_000)
    page.wait_for_selector(READY, timeout=60_000)
    return time.perf_counter() - t0


def _fills(page) -> set[str]:
    return set(
        page.locator(VEGA_MAP).first.evaluate(
            "c => [...c.querySelectorAll('path')].map(p => (p.getAttribute('fill') || '').toUpperCase())"
        )
    )


def test_drawn_map_shows_the_states_and_a_click_opens_the_detail(offline_page, app_url):
    page = offline_page
    first = _open_drawn(page, app_url + "/map?per=2020")  # deep link as the first request of a session
    ds = load(ROOT / "data")
    spec = mp.build(ds.table, ds.sources, ds.codebook, indicator="victims", period="2020", unit="persons")
    fills = {mp.class_color(r["value"], spec.breaks).upper() for r in spec.choropleth.to_dict("records")}
    assert fills <= _fills(page), (fills, _fills(page))  # each state in its class colour
    chart = page.locator(VEGA_MAP).first
    text = chart.inner_text() if chart.evaluate("c => !!c.querySelector('svg')") else ""
    svg_text = chart.evaluate("c => [...c.querySelectorAll('text')].map(t => t.textContent).join(' | ')")
    assert "Registered or identified victims, 2020" in svg_text and "Natural Earth" in svg_text, text
    assert all(name in svg_text for name in ("Estonia", "Latvia", "Lithuania"))
    chart.screenshot(path=str(ARTIFACTS / "map_static_2020.png"), animations="disabled")
    assert _left_the_machine(page) == [], page.blocked
    errors = [e for e in app_console_errors(page) if "does not seem to exist" not in e[0]]
    assert errors == [], errors

    # a click inside Latvia (right of its name, clear of the labels) opens its detail
    label = chart.locator("text", has_text="Latvia").first.bounding_box()
    page.mouse.click(label["x"] + label["width"] / 2 + 70, label["y"] + label["height"] / 2)
    page.wait_for_function("() => location.search.includes('sel=LV')", timeout=30_000)
    page.wait_for_selector(READY, timeout=60_000)
    assert page.get_by_role("heading", name="Latvia").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "map_static_click_lv.png"), full_page=True)
    second = _open_drawn(page, app_url + "/map?per=2021")
    print(f"\nstatic map first render {first:.1f} s (cold session), second {second:.1f} s")


def test_zoomable_map_draws_the_three_states_offline(offline_page, app_url):
    from PIL import Image

    page = offline_page
    first = _open(page, app_url + "/map?per=2020&zoom=1")  # deep link as the first request of a session
    el = page.locator(DECK).first
    path = ARTIFACTS / "map_2020.png"
    el.screenshot(path=str(path), animations="disabled")
    page.screenshot(path=str(ARTIFACTS / "map_2020_page.png"), full_page=True)
    img = Image.open(path).convert("RGB")
    w, h = img.size

    ds = load(ROOT / "data")
    spec = mp.build(ds.table, ds.sources, ds.codebook, indicator="victims", period="2020", unit="persons")
    fills = {r["country"]: mp.class_color(r["value"], spec.breaks) for r in spec.choropleth.to_dict("records")}
    water, land = mp.rgba(mp.style.MAP_WATER)[:3], mp.rgba(mp.style.MAP_LAND)[:3]
    for c, (lon, lat) in PROBES.items():
        x, y = _pixel(mp.DEFAULT_VIEW, lon, lat, w, h)
        assert 0 < x < w and 0 < y < h
        got = _patch_rgb(img, x, y)
        want = mp.rgba(fills[c])[:3]
        assert _dist(got, water) > 40 and _dist(got, land) > 40, (c, got)  # not background, not context
        assert _dist(got, want) < 45, (c, got, want)  # the state's class colour
    # the capital-to-capital line from the sea to Russia has land, water and the states: not blank
    assert len(set(img.resize((64, 40)).getdata())) > 30

    assert _left_the_machine(page) == [], page.blocked  # nothing of the map tried to leave the machine
    errors = [e for e in app_console_errors(page) if "does not seem to exist" not in e[0]]
    assert errors == [], errors
    assert page.get_by_text("Natural Earth").count() >= 1  # attribution under the map
    assert page.get_by_test_id("stSidebarNav").get_by_text("Map", exact=True).count() == 1  # in the navigation

    second = _open(page, app_url + "/map?per=2021&zoom=1")
    print(f"\nmap first render {first:.1f} s (cold session), second {second:.1f} s")
    (ARTIFACTS / "map_render_time.txt").write_text(f"first {first:.2f} s\nsecond {second:.2f} s\n")


def test_click_on_the_zoomable_map_opens_detail_and_url(offline_page, app_url):
    page = offline_page
    _open(page, app_url + "/map?per=2020&zoom=1")
    box = page.locator(DECK).first.bounding_box()
    x, y = _pixel(mp.DEFAULT_VIEW, *PROBES["LV"], round(box["width"]), round(box["height"]))
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(500)
    tip = page.locator(".deck-tooltip")
    if tip.count():
        assert "Latvia" in tip.first.inner_text() and "48" in tip.first.inner_text()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function("() => location.search.includes('sel=LV')", timeout=30_000)
    page.wait_for_selector(READY, timeout=60_000)
    assert page.get_by_role("heading", name="Latvia").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "map_click_lv.png"), full_page=True)


def test_flows_draw(offline_page, app_url):
    page = offline_page
    _open(page, app_url + "/map?per=2020&sel=LV&flows=1")
    path = ARTIFACTS / "map_flows_lv_2020.png"
    page.locator(DECK).first.screenshot(path=str(path), animations="disabled")
    assert _left_the_machine(page) == []
    assert "flows=1" in page.url and "sel=LV" in page.url
