"""AppTest and builders on the real dataset: what a journalist quotes from the Overview and the chart
subtitles (issue 25): a figure that counts something else is said to be, in words, before any comparison;
a withheld count is never '<5' on a per-million chart; links from a key fact keep the language."""

from __future__ import annotations

import json

import pytest

from components.builders import build, facts as fx
from components.core import i18n
from components.core.dataset import load
from components.view.options import options_from
from components.view.state import ViewState
from tests.app.conftest import ROOT, assert_ok, open_page

REAL = ROOT / "data"


@pytest.fixture
def real_data(monkeypatch):
    monkeypatch.setenv("THB_DATA_DIR", str(REAL))


@pytest.fixture(scope="module")
def real():
    ds = load(REAL)
    return ds, options_from(ds.table, ds.codebook)


def test_overview_says_estonia_2022_is_not_comparable_before_any_eu_comparison(real_data):
    at = open_page("overview")
    assert_ok(at)
    warnings = [w.value for w in at.warning]
    assert any("Not comparable" in w and "presumed victims" in w for w in warnings), warnings
    markdown = [m.value for m in at.markdown]
    estonia_rate = [m for m in markdown if m.startswith("**65.3**")]
    assert estonia_rate and "EU27" not in estonia_rate[0]  # no "× the EU rate" across the definition change
    assert any(m.startswith("**13.9**") and "EU27" in m for m in markdown)  # Latvia keeps its benchmark
    # in the page's order, the warning comes before Estonia's rate
    order = [getattr(e, "value", "") for e in at.main if hasattr(e, "value")]
    texts = [str(x) for x in order]
    first_warning = next(i for i, t in enumerate(texts) if "presumed victims" in t)
    first_rate = next(i for i, t in enumerate(texts) if t.startswith("**65.3**"))
    assert first_warning < first_rate


def test_the_lithuanian_card_names_the_in_between_unconfirmed_figure(real_data):
    at = open_page("overview", {"lang": "lt"})
    assert_ok(at)
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any("2023" in t and "15" in t for t in texts), texts


def test_russian_change_note_has_one_full_stop(real_data):
    at = open_page("overview", {"lang": "ru"})
    assert_ok(at)
    assert not [c.value for c in at.caption if ".." in c.value and "..." not in c.value]


def test_overview_card_builder_keeps_the_eu_text_off_a_definition_change(real):
    ds, opts = real
    view, _ = ViewState.from_query({}, opts, "overview")
    built = build(ds, view, opts)
    main = built.main
    cards = {c.country: c for c in built.page.cards}
    assert cards["EE"].comparability.startswith("Not comparable: ")
    assert "EU27" not in cards["EE"].rate and "EU27" in cards["LV"].rate
    facts = [f.text for f in fx.facts(main, ds)]
    estonia = next(f for f in facts if "Estonia" in f)
    # the sentence says the figure counts something different; what it counts is the card's (and the notes') note
    assert "counts something different" in estonia and "presumed victims" not in estonia
    assert "presumed victims" in cards["EE"].comparability


def _text_marks(spec) -> list:
    out = []

    def walk(node):
        if isinstance(node, dict):
            mark = node.get("mark")
            if (mark == "text" or (isinstance(mark, dict) and mark.get("type") == "text")) and "data" in node:
                out.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return out


def test_a_per_million_chart_never_writes_under_five(real):
    ds, opts = real
    for page, q in (
        ("trends", {"ind": "convicted", "m": "pm"}),
        ("trends", {"ind": "prosecuted", "m": "pm"}),
        ("compare", {"ind": "convicted", "m": "pm", "per": "2022", "bd": "total"}),
    ):
        view, _ = ViewState.from_query(q, opts, page)
        fig = build(ds, view, opts).main
        assert fig.rows["suppressed"].any(), (page, q)  # the view has withheld counts to write
        text = json.dumps(fig.spec, ensure_ascii=False)
        assert '"<5"' not in text and "<5 =" not in text, (page, q)
        assert "1 to 4 persons withheld" in text
        for f in fx.facts(fig, ds):
            assert "fewer than 5 per million" not in f.text and "fewer than 5 persons for" not in f.text


def test_links_from_key_facts_keep_the_language(real):
    ds, opts = real
    view, _ = ViewState.from_query({}, opts, "trends")
    i18n.use("lt")
    try:
        fig = build(ds, view, opts).main
        links = [f.markdown for f in fx.facts(fig, ds)]
    finally:
        i18n.use("en")
    assert links and all("/check?fig=" in m and "&lang=lt" in m for m in links)


@pytest.mark.parametrize(
    "page, query", [("compare", {"per": "2022", "bd": "total", "m": "pm"}), ("map", {"per": "2022", "m": "pm"})]
)
def test_a_comparison_across_a_definition_change_is_said_first_on_screen_and_in_files(real, page, query):
    from components.draw import files as ex

    ds, opts = real
    view, _ = ViewState.from_query(query, opts, page)
    fig = build(ds, view, opts).main
    assert len(fig.caveats) == 1 and fig.caveats[0].startswith("Estonia: not comparable")
    subtitle = " ".join(ex.figure_spec(fig, "footer", ds.sources)["title"]["subtitle"])
    assert "Estonia: not comparable with the other states" in subtitle


def test_compare_says_it_before_the_chart(real_data):
    at = open_page("compare", {"per": "2022", "bd": "total", "m": "pm"})
    assert_ok(at)
    assert any("Estonia: not comparable" in w.value for w in at.warning)
