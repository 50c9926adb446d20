"""A copied link reopens the same view on a freshly started server, in a real browser, offline.

Server A: one browser session, as a user: opens /compare, then goes to Trends, Check a figure, Map
and Present by the sidebar; on each page changes the view through the UI (a year, another
indicator, a measure button, a country, "Next" twice on a slide) and copies the link with the copy
button of the page's "Link to this view" box (a popover in the sidebar; on /present, where the
sidebar is hidden, "Link to this slide" under the slide), read back from the clipboard. It must be the text shown in the box, name
the page and hold the browser's current query. The visible widget state is recorded.

Server A is stopped. Server B is started fresh (nothing cached, no session): each copied link, with
only its host and port rewritten to B, is opened in a new browser session, the first being the very
first request B gets. The URL query must not change, and the visible state (every segmented
control, select box, multiselect, slider, toggle, the headings, the metric, the slide caption) must
equal what the user saw on A. On both: no exception, no error or "could not be used" notice, no
request off the machine, no console error but Streamlit's own deep-link 404s. Screenshots:
artifacts/screens/share_<page>_A.png / _B.png.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, app_console_errors, new_offline_page, run_server

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"
MAP = "[data-testid='stVegaLiteChart'] svg"  # the page's map (zoom=1 draws the deck.gl canvas)
TABLE = "[data-testid='stDataFrame'], [data-testid='stTable']"


# ----------------------------------------------------------------------------- user actions


def click_option(page, group: str, option: str) -> None:
    """Click a segmented-control button (a radio in a radiogroup named by the widget's label)."""
    page.get_by_role("radiogroup", name=group, exact=True).get_by_role("radio", name=option, exact=True).click()


def choose(page, label: str, option: str) -> None:
    """Open a select box by its label and click an option in its list."""
    page.locator(f"[data-testid='stMain'] input[role='combobox'][aria-label='{label}']").click()
    page.get_by_role("option", name=option, exact=True).click()


def remove_tag(page, label: str, option: str) -> None:
    """Remove one chosen option of a multiselect (its "x")."""
    page.locator(f"[data-testid='stMain'] [data-testid='stMultiSelect']:has(input[aria-label='{label}'])").get_by_role(
        "button", name=f"Remove {option}", exact=True
    ).click()


def click_button(page, text: str) -> None:
    page.get_by_test_id("stMain").get_by_role("button", name=text).click()


# (name, title in the sidebar navigation, what must be drawn, user actions, (param, value) the view
#  must then have (None: any value), widget values the user set that must then be visible)
SCENARIOS = [
    (
        "compare",
        "Compare",
        CHART,
        [
            lambda p: choose(p, "Year or period", "2021"),  # not the year the page opens on: it goes into the link
            lambda p: click_option(p, "Measure", "Per million"),
            lambda p: click_option(p, "Bars", "100 %"),
            lambda p: remove_tag(p, "Countries", "Lithuania"),
        ],
        {"per": "2021", "m": "pm", "stack": "pct", "c": "EE,LV"},
        {
            "select:Year or period": "2021",
            "radio:Measure": "Per million",
            "radio:Bars": "100 %",
            "multi:Countries": "Estonia|Latvia",
        },
    ),
    (
        "trends",
        "Trends",
        CHART,
        [lambda p: choose(p, "Indicator", "Convicted persons"), lambda p: click_option(p, "Measure", "Per million")],
        {"ind": "convicted", "m": "pm"},
        {"select:Indicator": "Convicted persons", "radio:Measure": "Per million"},
    ),
    (
        "check",
        "Check a figure",
        TABLE,
        [lambda p: choose(p, "Country", "Lithuania")],
        {"fig": None},  # the figure key; the widgets and the heading say which figure
        {"select:Country": "Lithuania"},
    ),
    (
        "map",
        "Map",
        MAP,
        [lambda p: click_option(p, "Measure", "Per million"), lambda p: choose(p, "Country detail", "Latvia")],
        {"m": "pm", "sel": "LV"},
        {"radio:Measure": "Per million", "select:Country detail": "Latvia"},
    ),
    # last: presenter mode hides the sidebar
    (
        "present",
        "Present",
        CHART,
        [lambda p: click_button(p, "Next"), lambda p: click_button(p, "Next")],
        {"slide": "3"},
        {"h1": "Forms of exploitation, 2021"},
    ),
]
IDS = [s[0] for s in SCENARIOS]
COPIED: dict[str, str] = {}  # name -> the link copied on server A
SEEN: dict[str, dict] = {}  # name -> the visible state on server A


# ----------------------------------------------------------------------------- reading the page


def settle(page, drawn: str) -> None:
    page.wait_for_selector(READY, timeout=120_000)
    page.locator(drawn).first.wait_for(state="visible", timeout=60_000)
    page.wait_for_selector(READY, timeout=60_000)  # a rerun the URL sync may trigger


def wait_rerun(page, before: str) -> None:
    """After a click: wait until the URL changed (the view is written during the rerun), then for
    the rerun to end."""
    page.wait_for_function("u => window.location.href !== u", arg=before, timeout=30_000)
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(READY, timeout=60_000)


def visible_state(page) -> dict[str, object]:
    """What the user sees of the view: every widget value in the main area, the headings, the
    metric, captions naming a slide."""
    return page.evaluate(r"""() => {
      const main = document.querySelector("[data-testid='stMain']");
      const out = {};
      const label = el => (el.querySelector("[data-testid='stWidgetLabel']")?.innerText || "").trim();
      for (const g of main.querySelectorAll("[data-testid='stButtonGroup']")) {
        const on = [...g.querySelectorAll("[role='radio'][aria-checked='true']")].map(b => b.innerText.trim());
        out["radio:" + label(g)] = on.join("|");
      }
      for (const s of main.querySelectorAll("[data-testid='stSelectbox']")) {
        out["select:" + label(s)] = s.querySelector("input").value;
      }
      for (const m of main.querySelectorAll("[data-testid='stMultiSelect']")) {
        out["multi:" + label(m)] = [...m.querySelectorAll("[data-tag] > span[title]")]
          .map(t => t.getAttribute("title")).join("|");
      }
      for (const s of main.querySelectorAll("[data-testid='stSlider']")) {
        out["slider:" + label(s)] = [...s.querySelectorAll("input[type='range']")].map(t => t.value).join("-");
      }
      for (const c of main.querySelectorAll("[data-testid='stCheckbox']")) {
        out["toggle:" + label(c)] = c.querySelector("input").checked;
      }
      out["h1"] = [...main.querySelectorAll("h1")].map(h => h.innerText.trim()).join("|");
      out["h3"] = [...main.querySelectorAll("h3")].map(h => h.innerText.trim()).join("|");
      out["metric"] = [...main.querySelectorAll("[data-testid='stMetricValue']")]
        .map(h => h.innerText.trim()).join("|");
      out["slide"] = [...main.querySelectorAll("[data-testid='stCaptionContainer']")]
        .map(c => c.innerText.trim()).filter(t => / · slide \d+ of \d+/.test(t)).join("|");
      return out;
    }""")


def link_box(page, name: str):
    """The code box holding the link of this view, in the popover opened by the "Link to this view"
    button in the sidebar (on /present, where the sidebar is hidden: "Link to this slide" under the
    previous/next buttons). The popover is opened as a user would."""
    label = "Link to this slide" if name == "present" else "Link to this view"
    scope = page.get_by_test_id("stMain") if name == "present" else page.get_by_test_id("stSidebar")
    popover = scope.get_by_test_id("stPopover").filter(has_text=label)
    assert popover.count() == 1, f"the page offers its link behind a '{label}' button"
    popover.get_by_role("button").first.click()
    box = page.get_by_test_id("stPopoverBody").get_by_test_id("stCode")
    box.wait_for(state="visible", timeout=10_000)
    return box


def copy_from(page, box) -> str:
    """Press the box's copy button (as a user would) and read the clipboard (emptied first, so a
    button that copied nothing cannot pass with an older link)."""
    page.evaluate("() => navigator.clipboard.writeText('')")
    box.scroll_into_view_if_needed()
    box.hover()
    button = box.get_by_test_id("stBaseButton-elementToolbar")
    button.click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''", timeout=10_000)
    return page.evaluate("() => navigator.clipboard.readText()")


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def assert_clean(page) -> None:
    assert page.get_by_test_id("stException").count() == 0
    errors = page.locator("[data-testid='stAlertContentError']")
    assert errors.count() == 0, errors.all_inner_texts()
    assert page.get_by_text("could not be used").count() == 0, "a copied link must not produce a notice"
    assert page.get_by_text("showing the first").count() == 0
    assert page.blocked == [], page.blocked
    assert app_console_errors(page) == [], app_console_errors(page)


# ----------------------------------------------------------------------------- server A: copy


class TestCopyOnServerA:
    @pytest.fixture(scope="class")
    def user_on_a(self, chromium_browser):
        """Server A and one browser session on it that goes from page to page by the sidebar."""
        if not CHROMIUM:
            pytest.skip("needs Debian's chromium")
        with run_server("e2e-share-server-a.log") as url:
            page = new_offline_page(chromium_browser, url)
            page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
            try:
                yield url, page
            finally:
                page.context.close()

    @pytest.mark.parametrize("name,nav,drawn,actions,want,set_values", SCENARIOS, ids=IDS)
    def test_copy_link_holds_the_view(self, user_on_a, name, nav, drawn, actions, want, set_values):
        server_a, page = user_on_a
        if page.url == "about:blank":
            page.goto(f"{server_a}/{name}")  # the first page: by its address
        else:  # the others: as a user goes there
            page.get_by_test_id("stSidebarNav").get_by_text(nav, exact=True).click()
            page.wait_for_url(f"{server_a}/{name}*", timeout=30_000)
        settle(page, drawn)
        for act in actions:
            before = page.url
            act(page)
            wait_rerun(page, before)
        page.locator(drawn).first.wait_for(state="visible", timeout=60_000)

        box = link_box(page, name)
        shown = box.inner_text().strip()
        copied = copy_from(page, box).strip()
        page.screenshot(path=str(ARTIFACTS / f"share_{name}_A.png"), full_page=True, animations="disabled")
        page.keyboard.press("Escape")  # close the popover, as a user would before going on

        assert copied == shown, (copied, shown)
        # the box shows the current view: the browser's address, same path, same query
        assert urlsplit(copied).netloc == urlsplit(server_a).netloc, copied
        assert urlsplit(copied).path.rstrip("/") == urlsplit(page.url).path.rstrip("/") == f"/{name}", copied
        assert query(copied) == query(page.url), (copied, page.url)
        # ... and it is the view the user made
        got = query(copied)
        for k, v in want.items():
            assert k in got, (k, copied)
            if v is not None:
                assert got[k] == [v], (k, copied)
        state = visible_state(page)
        for k, v in set_values.items():
            assert state.get(k) == v, (k, state)
        assert_clean(page)
        COPIED[name], SEEN[name] = copied, state


# ----------------------------------------------------------------------------- server B: reopen


class TestReopenOnFreshServerB:
    @pytest.fixture(scope="class")
    def server_b(self):
        if not CHROMIUM:
            pytest.skip("needs Debian's chromium")
        if not COPIED:
            pytest.skip("no link was copied on server A")
        with run_server("e2e-share-server-b.log") as url:  # server A is stopped by now (class scope)
            yield url

    @pytest.mark.parametrize("name,drawn", [(s[0], s[2]) for s in SCENARIOS], ids=IDS)
    def test_copied_link_reopens_the_same_view(self, chromium_browser, server_b, name, drawn):
        if name not in COPIED:
            pytest.skip(f"no link was copied for {name}")
        copied = COPIED[name]
        link = urlunsplit(urlsplit(copied)._replace(netloc=urlsplit(server_b).netloc))
        page = new_offline_page(chromium_browser, server_b)
        try:
            page.goto(link)  # the first one is the first request server B ever gets
            settle(page, drawn)
            page.wait_for_timeout(500)
            page.wait_for_selector(READY, timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / f"share_{name}_B.png"), full_page=True, animations="disabled")

            assert urlsplit(page.url).path.rstrip("/") == f"/{name}", page.url
            assert query(page.url) == query(copied), (page.url, copied)
            state = visible_state(page)
            assert state == SEEN[name], {
                k: (SEEN[name].get(k), state.get(k))
                for k in set(state) | set(SEEN[name])
                if state.get(k) != SEEN[name].get(k)
            }
            # the reopened page offers the same link again (host B)
            box = link_box(page, name)
            assert query(box.inner_text().strip()) == query(copied)
            assert_clean(page)
        finally:
            page.context.close()


# ----------------------------------------------------------------------------- your own deck


def test_own_deck_link_shows_its_slides_on_a_fresh_server(chromium_browser):
    """Issue 16: a deck made elsewhere (the link holds its slides, titles and notes) opens on a server
    that never saw it: its first slide, the deck's title and length, the speaker note, no notice; Next
    moves within it and keeps the deck in the link."""
    from dataclasses import replace

    from components.view import deck as dk

    if not CHROMIUM:
        pytest.skip("needs Debian's chromium")
    shipped = dk.load(dk.DEFAULT_DECK).slides
    deck = dk.Deck(
        dk.OWN_ID,
        "Training, 3 March",
        (replace(shipped[0], title="Who is counted", note="Ask the room first."), shipped[2], shipped[-1]),
    )
    link = dk.encode(deck)
    with run_server("e2e-share-own-deck.log") as url:
        page = new_offline_page(chromium_browser, url)
        try:
            page.goto(f"{url}/present?mydeck={link}")  # the first request this server gets
            settle(page, CHART)
            state = visible_state(page)
            assert state["h1"] == "Who is counted", state
            assert state["slide"].startswith("Training, 3 March · slide 1 of 3"), state
            assert (
                page.locator("[data-testid='stMarkdownContainer'] em").filter(has_text="Ask the room first.").count()
                == 1
            )  # the speaker note under the chart
            assert page.locator("[data-testid='stAlertContentWarning']").count() == 0
            assert query(page.url) == {"mydeck": [link]}, page.url
            before = page.url
            click_button(page, "Next")
            wait_rerun(page, before)
            assert visible_state(page)["h1"] == shipped[2].title
            assert query(page.url) == {"mydeck": [link], "slide": ["2"]}, page.url
            page.screenshot(path=str(ARTIFACTS / "share_own_deck_B.png"), full_page=True, animations="disabled")
            assert_clean(page)
        finally:
            page.context.close()
