"""Figures: one builder per page; a slide, a page and an export of the same view say the same thing.

Golden tests: for every slide of the shipped deck, the slide's Figure equals the Figure its page builds
for the slide's query (title, unit, period, numbers, sources, notes), on the committed data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.builders import build, main_figure
from components.builders.page_rows import options_for
from components.core import pages as registry
from components.core.dataset import load
from components.core.figure import Figure
from components.view import deck as dk
from components.view.state import ViewState, resolve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def real():
    ds = load(ROOT / "data")
    return ds, options_for(ds)


@pytest.fixture(scope="module")
def synthetic(ds):
    return ds, options_for(ds)


def _page_figure(ds, options, page: str, query: dict) -> Figure:
    """What the page shows for this link: the codec, then the page's builder (as the page does)."""
    view, notices = ViewState.from_query(query, options, page)
    assert notices == []
    return build(ds, view, options).main


@pytest.mark.parametrize("n", range(1, len(dk.load(dk.DEFAULT_DECK).slides) + 1))
def test_slide_figure_equals_page_figure(real, n):
    ds, options = real
    deck = dk.load(dk.DEFAULT_DECK)
    slide = deck.slides[n - 1]
    built = build(ds, ViewState(page="present", slide=n), options)
    present = built.main
    page = _page_figure(ds, options, slide.page, slide.query)
    assert present.summary() == page.summary()
    # the same chart, not a look-alike (as JSON: NaN cells compare equal)
    assert json.dumps(present.chart_spec(), sort_keys=True) == json.dumps(page.chart_spec(), sort_keys=True)
    assert built.page.slide == slide and built.page.n == n


def test_every_page_builds_on_both_datasets(real, synthetic):
    for ds, options in (real, synthetic):
        for spec in (s for s in registry.PAGES if s.builder):  # (a page without figures: Add your figures)
            figs = build(ds, ViewState(page=spec.id), options).figures
            assert figs and all(isinstance(f, Figure) for f in figs), spec.id
            for f in figs:
                assert f.title and f.alt_text
                if f.kind in ("chart", "map") and not f.empty:
                    assert f.source_line.startswith("Source"), (spec.id, f.key)


def test_every_figure_spec_is_valid_vega_lite(real):
    """The builders skip Altair's validation per view (speed); every page's specs are validated here
    against the Vega-Lite schema."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    schema = load_schema()
    ds, options = real
    for spec in registry.PAGES:
        for view in (
            ViewState(page=spec.id),
            ViewState(page=spec.id, chart="chain"),
            ViewState(page=spec.id, sel="LV"),
        ):
            for f in build(ds, view, options).figures:
                if f.chart_spec() is not None:
                    validate_jsonschema(f.chart_spec(), schema)


def test_title_carries_the_period_the_data_covers(real):
    """Not the slider's whole span ('2001–2025'): the first and last year drawn."""
    ds, options = real
    fig = main_figure(ds, ViewState(page="trends"), options)
    years = sorted(set(fig.rows["period_start"]))
    assert fig.period == (years[0], max(fig.rows["period_end"]))
    assert fig.title.endswith(f"{fig.period[0]}–{fig.period[1]}")
    assert str(options.year_min) not in fig.title or options.year_min == years[0]


def test_indexed_trend_says_index_in_unit_everywhere(real):
    """The deck used to show the raw unit under an indexed slide."""
    ds, options = real
    view = ViewState(page="trends", index_base=2015)
    fig = main_figure(ds, view, options)
    assert fig.unit.startswith("index, 2015 = 100")
    assert fig.spec["title"]["subtitle"][0].startswith("index, 2015 = 100")


def test_map_figure_is_a_map_for_exports(real):
    ds, options = real
    fig = main_figure(ds, ViewState(page="map"), options)
    assert fig.kind == "map" and fig.deck is None  # the page draws the static map, the files' own figure
    assert fig.spec is not None and fig.chart_spec() is fig.spec
    text = str(fig.chart_spec())
    assert "geoshape" in text and fig.title in text
    zoomable = main_figure(ds, ViewState(page="map", zoom=True), options)
    assert zoomable.deck is not None and zoomable.spec is None  # the static map only when a file asks
    assert str(zoomable.chart_spec()) == text  # the same map in the files either way


def test_figure_rows_are_the_api_rows(real):
    from components.builders.page_rows import view_data

    ds, options = real
    for page in ("overview", "compare", "trends", "map", "data", "check"):
        view = ViewState(page=page)
        assert view_data(ds, view, options).table.equals(main_figure(ds, view, options).rows), page


def test_resolve_falls_back_like_the_widgets(synthetic):
    """A breakdown the chosen period does not have falls back to the period's default; the canonical
    view drops fields equal to their data-dependent default (clean URL)."""
    ds, options = synthetic
    ind = options.indicator_default()
    period = options.period_default_for(ind)
    shown = resolve(ViewState(page="compare", indicator=ind, period=period), options)
    assert shown.view.period is None and shown.period == period
    assert shown.breakdown in options.period_breakdowns.get((ind, period), ("total",)) or shown.breakdown == "total"


def test_forms_over_time_is_compare_per_year(synthetic):
    """Issue 13: one country's forms of exploitation per year, with Compare's breakdown rules (same rows as
    Compare for that country and year)."""
    from components.core import queries as q

    ds, options = synthetic
    fig = main_figure(ds, ViewState(page="trends", chart="forms", country="LV"), options)
    assert fig.key == "forms" and "by form of exploitation, Latvia" in fig.title
    years = sorted(set(fig.rows["period_start"]))
    assert years and fig.period == (years[0], years[-1])
    for y in years[:3]:
        want = q.compare_data(
            ds.table,
            ds.codebook,
            indicator="victims",
            period=str(y),
            breakdown="exploitation",
            unit="persons",
            countries=["LV"],
        )
        want = want[~want["status"].isin(["no_data", "not_given"])]
        got = fig.rows[fig.rows["period_start"] == y]
        assert sorted(got["category"]) == sorted(want["category"])
        assert got["value"].fillna(-1).sum() == want["value"].fillna(-1).sum()
