"""Keyboard only (WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7), in a real browser: from page load, Tab reaches the
skip link first and then every control of Compare and Trends; each control is operated with the
keyboard alone (the view in the URL changes); and every element that takes the focus on the way
shows a visible outline (computed style: a solid outline of at least 2 px on it or on the box that
draws the control).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import CHROMIUM, new_offline_page

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"

_ACTIVE_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  let el = e, outline = null;
  for (let i = 0; i < 4 && el; i++, el = el.parentElement) {
    const s = getComputedStyle(el);
    if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) { outline = s.outlineWidth + ' ' + s.outlineColor; break; }
  }
  const group = e.closest('[role="radiogroup"]');
  const widget = e.closest('[data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stSlider"], '
                           + '[data-testid="stButtonGroup"]');
  const label = widget ? (widget.querySelector('[data-testid="stWidgetLabel"]')?.innerText || '') : '';
  return {tag: e.tagName, id: e.id, role: e.getAttribute('role'), aria: e.getAttribute('aria-label'),
          text: (e.innerText || '').trim().slice(0, 60), group: group ? group.getAttribute('aria-label') : null,
          widget: widget ? widget.dataset.testid : null, label: label.trim(), outline,
          inSidebar: !!e.closest('[data-testid="stSidebar"]')};
}"""


@pytest.fixture
def kpage(chromium_browser, app_url):
    if not CHROMIUM:
        pytest.skip("needs Debian's chromium")
    page = new_offline_page(chromium_browser, app_url)
    page.set_viewport_size({"width": 1440, "height": 900})
    yield page
    page.context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    page.locator(CHART).first.wait_for(state="attached", timeout=60_000)
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_timeout(300)


def _query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _wait_query(page, key: str, timeout_ms: int = 30_000) -> str:
    page.wait_for_function(f"() => new URLSearchParams(location.search).has({key!r})", timeout=timeout_ms)
    page.wait_for_selector(READY, timeout=60_000)
    return _query(page)[key]


class Walk:
    """Tab through the page from its start, remembering every focused element and its outline."""

    def __init__(self, page):
        self.page = page
        self.seen: list[dict] = []

    def tab(self) -> dict | None:
        self.page.keyboard.press("Tab")
        self.page.wait_for_timeout(40)
        a = self.page.evaluate(_ACTIVE_JS)
        if a:
            self.seen.append(a)
        return a

    def until(self, match, limit: int = 80) -> dict:
        for _ in range(limit):
            a = self.tab()
            if a and match(a):
                return a
        raise AssertionError(
            f"Tab never reached the control; focus went through: "
            f"{[(s['tag'], s['aria'] or s['text'] or s['label']) for s in self.seen[-limit:]]}"
        )

    def without_outline(self) -> list[dict]:
        """Focused controls drawn without a focus outline. A bare container (a DIV with no role, name or
        text) that the browser focuses for a moment while a rerun redraws the page is not a control the
        user can operate (WCAG 2.4.7 asks for a visible focus on those), so it is left out."""
        return [
            s
            for s in self.seen
            if not s["outline"]
            and not (s["tag"] == "DIV" and not s["role"] and not s["aria"] and not s["text"] and not s["label"])
        ]


def _is_select(label):
    return lambda a: a["widget"] == "stSelectbox" and a["label"] == label and a["tag"] == "INPUT"


def _is_multi(label):
    return lambda a: a["widget"] == "stMultiSelect" and a["label"] == label and a["tag"] == "INPUT"


def _is_segment(label):
    """A segmented control: one tab stop (the chosen option); the arrow keys move between options."""
    return lambda a: (
        a["widget"] == "stButtonGroup"
        and a["label"] == label
        and a["tag"] == "BUTTON"
        and not (a["aria"] or "").startswith("Help for")
    )


def _pick_segment(walk: Walk, label: str, option: str) -> None:
    walk.until(_is_segment(label))
    for _ in range(6):
        a = walk.page.evaluate(_ACTIVE_JS)
        walk.seen.append(a)
        if a["text"].endswith(option):
            break
        walk.page.keyboard.press("ArrowRight")
        walk.page.wait_for_timeout(60)
    else:
        raise AssertionError(f"the arrow keys never reached {option!r} in {label!r}: {walk.seen[-6:]}")
    walk.page.keyboard.press("Enter")


_EXPANDED = "() => document.activeElement && document.activeElement.getAttribute('aria-expanded') === 'true'"
_ACTIVE_OPTION = "() => document.activeElement ? document.activeElement.getAttribute('aria-activedescendant') : null"


def _choose_next_option(page) -> None:
    """An open-by-keyboard select box: ArrowDown opens it, ArrowDown moves, Enter picks. Each key waits
    for what a sighted keyboard user waits for (the list open, the next option highlighted): on a busy
    machine a key pressed before the list has opened is lost, which a person would see and repeat."""
    for _ in range(3):
        page.keyboard.press("ArrowDown")
        try:
            page.wait_for_function(_EXPANDED, timeout=5_000)
            break
        except Exception:  # noqa: BLE001 (Playwright's TimeoutError): the key came before the box was ready
            continue
    first = page.evaluate(_ACTIVE_OPTION)
    page.keyboard.press("ArrowDown")
    page.wait_for_function(f"() => ({_ACTIVE_OPTION})() !== {first!r}", timeout=5_000)
    page.keyboard.press("Enter")


def _skip_link_first(walk: Walk) -> None:
    first = walk.tab()
    assert first and first["id"] == "thb-skip" and first["text"] == "Skip to main content", first


def _compare_walk(page, app_url):
    _open(page, app_url + "/compare")
    walk = Walk(page)
    _skip_link_first(walk)
    # the skip link jumps past the sidebar: the next Tab lands in the main area
    page.keyboard.press("Enter")
    nxt = walk.tab()
    assert nxt and not nxt["inSidebar"], nxt

    # the countries come first: the year the page opens on is the latest one all of them have
    walk.until(_is_multi("Countries"))
    page.keyboard.press("Backspace")  # removes the last chosen country
    assert _wait_query(page, "c") == "EE,LV"
    page.wait_for_selector(READY, timeout=60_000)

    walk.until(_is_select("Indicator"))
    before = _query(page)
    _choose_next_option(page)
    assert _wait_query(page, "ind") != before.get("ind")

    walk.until(_is_select("Year or period"))
    _choose_next_option(page)
    page.wait_for_selector(READY, timeout=60_000)

    walk.until(_is_select("Breakdown"))
    _choose_next_option(page)
    page.wait_for_selector(READY, timeout=60_000)

    _pick_segment(walk, "Measure", "Per million")
    assert _wait_query(page, "m") == "pm"

    _pick_segment(walk, "Bars", "100 %")
    assert _wait_query(page, "stack") == "pct"

    # the chart's toolbar and the downloads are reachable too, and the toolbar shows while focused
    tb = walk.until(lambda a: a["tag"] == "BUTTON" and (a["aria"] or "").startswith("Show data"))
    assert (
        page.evaluate(
            "() => getComputedStyle(document.activeElement.closest('[data-testid=\"stElementToolbar\"]')).opacity"
        )
        == "1"
    ), tb
    walk.until(lambda a: a["text"].endswith("CSV"))
    assert walk.without_outline() == [], [
        (s["tag"], s["widget"], s["label"], s["text"][:40]) for s in walk.without_outline()
    ]


def _trends_walk(page, app_url):
    _open(page, app_url + "/trends")
    walk = Walk(page)
    _skip_link_first(walk)
    # without the skip link, the sidebar's links come first and each shows its outline
    link = walk.until(lambda a: a["inSidebar"] and a["tag"] == "A")
    assert link["outline"], link

    walk.until(_is_multi("Countries"))
    page.keyboard.press("Backspace")
    assert _wait_query(page, "c") == "EE,LV"

    walk.until(_is_select("Indicator"))
    _choose_next_option(page)
    _wait_query(page, "ind")

    _pick_segment(walk, "Measure", "Per million")
    assert _wait_query(page, "m") == "pm"

    walk.until(lambda a: a["widget"] == "stSlider" and a["label"] == "Years")  # the start thumb
    # one key press: a second one sent while the first one's rerun is under way can be undone by that
    # rerun (Streamlit's slider; seen in about one walk of four here), and the base-year select then
    # keeps the options of the years before, so the year picked next is not taken
    page.keyboard.press("ArrowRight")
    start, end = (int(y) for y in _wait_query(page, "yr").split("-"))  # no "yr": the full range
    assert start < end, (start, end)
    page.wait_for_timeout(800)  # the base-year options follow the years: let that rerun settle
    page.wait_for_selector(READY, timeout=60_000)

    walk.until(_is_select("Index to base year"))
    _choose_next_option(page)
    _wait_query(page, "base")
    assert walk.without_outline() == [], [
        (s["tag"], s["widget"], s["label"], s["text"][:40]) for s in walk.without_outline()
    ]

    # the other view: back to the top, then the View control
    _open(page, page.url)
    walk = Walk(page)
    _pick_segment(walk, "View", "Justice chain")
    assert _wait_query(page, "view") == "chain"
    page.wait_for_selector(CHART, timeout=60_000)
    assert page.title() == "Justice chain · Trends · Baltic THB statistics"
    assert walk.without_outline() == [], [
        (s["tag"], s["widget"], s["label"], s["text"][:40]) for s in walk.without_outline()
    ]


def _twice(walk, page, app_url) -> None:
    """The walk, and once more from a fresh load if it failed: a rerun that redraws the page while a box
    is being opened can take the keyboard focus away on a busy machine (seen in one full run of three).
    A real defect fails both times."""
    try:
        walk(page, app_url)
    except (AssertionError, Exception) as first:  # noqa: BLE001 (Playwright raises its own TimeoutError)
        page.goto("about:blank")
        try:
            walk(page, app_url)
        except Exception as second:
            raise first from second


def test_compare_by_keyboard(kpage, app_url):
    _twice(_compare_walk, kpage, app_url)


def test_trends_by_keyboard(kpage, app_url):
    _twice(_trends_walk, kpage, app_url)
