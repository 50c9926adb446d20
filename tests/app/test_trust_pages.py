"""AppTest: the figures a journalist can quote, as the pages show them.

On the real dataset (data/): overlapping categories are never stacked on Compare nor on any slide,
unconfirmed figures appear only when asked (and the link keeps the choice), nothing newer is hidden on
the Overview, an index never runs across a break, and the Data page's filters and search filter rows.
"""

from __future__ import annotations

import json

import pytest

from components.builders import main_figure
from components.core import queries as q
from components.core.dataset import load
from components.decks.present import slide_view
from components.view import deck as dk
from components.view.options import options_from
from tests.app.conftest import ROOT, assert_ok, open_page

REAL = ROOT / "data"


@pytest.fixture
def real_data(monkeypatch):
    monkeypatch.setenv("THB_DATA_DIR", str(REAL))


@pytest.fixture(scope="module")
def real():
    ds = load(REAL)
    return ds, options_from(ds.table, ds.codebook)


def _bars(spec: dict) -> list[dict]:
    layers = spec.get("layer") or [spec]
    return [lay for lay in layers if (lay.get("mark") or {}).get("type", lay.get("mark")) == "bar"]


def _stacked(spec: dict) -> bool:
    return any((b.get("encoding", {}).get("x") or {}).get("stack") not in (None, False) for b in _bars(spec))


def test_no_compare_view_stacks_overlapping_categories(real):
    """Every breakdown the data offers, per indicator, checked on the Compare chart builder (the page's own
    query and builder); the page itself is checked on a sample below."""
    from components.draw.charts import compare_chart

    ds, opts = real
    checked = 0
    for indicator in opts.indicators:
        for breakdown in opts.breakdowns_for(indicator):
            if breakdown == "total" or ds.codebook.breakdown_kind(indicator, breakdown) != "overlapping":
                continue
            for period in opts.periods_for(indicator):
                data = q.compare_data(
                    ds.table,
                    ds.codebook,
                    indicator=indicator,
                    period=period,
                    breakdown=breakdown,
                    unit=q.unit_for(ds.table, indicator, "absolute"),
                    unconfirmed=True,
                )
                if data.empty or not (data["status"] == "value").any():
                    continue
                for stack in ("stacked", "percent"):
                    spec = compare_chart(data, title="t", unit_text="u", source_line="s", stack=stack).to_dict()
                    assert not _stacked(spec), (indicator, breakdown, period, stack)
                checked += 1
    assert checked > 10


@pytest.mark.parametrize(
    "params",
    [
        {"ind": "convicted", "bd": "exploitation", "per": "2015", "stack": "pct"},
        {"ind": "victims", "bd": "citizenship", "per": "2017", "unc": "1"},
    ],
)
def test_compare_page_draws_overlapping_side_by_side(real_data, params):
    at = open_page("compare", params)
    assert_ok(at)
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert not _stacked(spec)
    assert any("overlap" in c.value for c in at.caption)


def test_every_slide_of_every_deck_keeps_overlapping_categories_apart(real):
    ds, opts = real
    for deck_id in dk.available():
        deck = dk.load(deck_id)
        for slide in deck.slides:
            shown, _ = slide_view(slide, opts)
            fig = main_figure(ds, shown, opts)
            if fig.kind != "altair" or shown.page != "compare":
                continue
            kind = ds.codebook.breakdown_kind(shown.indicator, shown.breakdown)
            if kind == "overlapping":
                assert not _stacked(fig.chart.to_dict()), (deck_id, slide.title)


def test_unconfirmed_figures_only_on_request_and_in_the_link(real_data):
    at = open_page("trends", {"c": "LV", "ind": "victims", "yr": "2016-2025"})
    assert_ok(at)
    years = {r for r in at.dataframe[0].value["Year"]}
    assert 2024 not in years  # LV 2024 = 38: low confidence, never drawn
    at = open_page("compare", {"ind": "investigations", "per": "2021", "bd": "total", "unc": "1"})
    assert_ok(at)
    assert at.toggle(key="compare__unconfirmed").value is True
    assert dict(at.query_params).get("unc") == "1"
    table = at.dataframe[0].value
    lt = table[table["Country"] == "Lithuania"]
    assert not lt.empty and lt["Grade"].str.contains("unconfirmed").all()  # LT 2021: a secondary source only
    at = open_page("compare", {"ind": "investigations", "per": "2021", "bd": "total"})
    table = at.dataframe[0].value
    assert (table.loc[table["Country"] == "Lithuania", "Value"] == "no data").all()
    assert any("Not drawn" in c.value and "Lithuania" in c.value for c in at.caption)


def test_overview_says_what_is_newer_than_the_latest_official_figure(real_data):
    at = open_page("overview")
    assert_ok(at)
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # Markdown escapes
    assert "Newer or other figures" in text and "2024: 38" in text and "low confidence" in text
    assert "2021-2024: 149 (multi-year total, unconfirmed: secondary source)" in text


def test_index_is_refused_across_a_break(real_data):
    at = open_page("trends", {"c": "LV", "ind": "convicted", "base": "2015"})
    assert_ok(at)
    notes = " ".join(c.value for c in at.caption)
    assert "not indexed across a break" in notes


def test_data_page_filters_and_search_filter_rows(real_data):
    at = open_page("data", {"q": "Ombudsmen", "yr": "2024-2025", "gr": "official"})
    assert_ok(at)
    table = at.dataframe[0].value
    assert len(table) > 0
    assert table["Period"].astype(str).str.contains("2024|2025").all()
    assert (
        table["Evidence grade"].isin(["Official statistics", "Official publication", "International monitoring report"])
    ).all()
    at = open_page("data", {"q": "zzzz-no-such-text"})
    assert len(at.dataframe[0].value) == 0
    assert any("No row matches" in c.value for c in at.caption)


def _compare_views():
    ds = load(REAL)
    opts = options_from(ds.table, ds.codebook)
    return [(i, b) for i in opts.indicators for b in opts.breakdowns_for(i) if b != "total"]


@pytest.mark.parametrize("indicator, breakdown", _compare_views())
def test_every_compare_breakdown_option_on_the_page(real_data, indicator, breakdown):
    """AppTest on every breakdown option of Compare (the default period of each indicator), both bar
    styles: no stacked overlapping categories, no exception, no error."""
    ds = load(REAL)
    for stack in ("stack", "pct"):
        at = open_page("compare", {"ind": indicator, "bd": breakdown, "stack": stack})
        assert_ok(at)
        spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
        drawn = at.selectbox(key="compare__breakdown").value  # the period may not have this breakdown
        if ds.codebook.breakdown_kind(indicator, drawn) == "overlapping":
            assert not _stacked(spec), (indicator, drawn, stack)


@pytest.mark.parametrize("slide", range(1, 1 + len(dk.load(dk.DEFAULT_DECK).slides)))
def test_every_slide_on_the_present_page(real_data, slide):
    """Every slide of the shipped deck as the presenter sees it: no exception, and a bar chart whose
    categories overlap (side by side) is never stacked."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.switch_page("app_pages/present.py")
    at.query_params["slide"] = str(slide)
    at.run()
    assert_ok(at)
    ds = load(REAL)
    opts = options_from(ds.table, ds.codebook)
    shown, _ = slide_view(dk.load(dk.DEFAULT_DECK).slides[slide - 1], opts)
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        if shown.page == "compare" and ds.codebook.breakdown_kind(shown.indicator, shown.breakdown) == "overlapping":
            assert not _stacked(spec)
