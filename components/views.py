"""The rows behind each page's chart for a view: one function per page, one place (pure: no Streamlit).

`view_data(ds, view, options)` answers "which rows does this page show for this link?" the way the
page does: the same codec (`ViewState`), the same fallbacks as its widgets (a breakdown the chosen
period lacks falls back to the default, as the Compare page's selector does) and the same query
functions (`components/queries.py`, `components/provenance.py`, `components/map.py`). The HTTP API (`components/api.py`) serves
these rows at `/api/v1/view/<page>.csv`; the pages can call the same functions.

`ViewData.chart` is what the page passes to its chart builder; `ViewData.table` is exactly what the
page's CSV download holds before the source columns (`export.tidy` of the shown rows); `ViewData.view`
is the view the page ends up showing (its `to_query()` is the page's URL after the fallbacks).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import export as ex
from components import provenance as prov
from components import queries as q
from components.dataset import Dataset, period_key
from components.style import BALTIC
from components.view_state import Options, ViewState, options_from
from etl.figure_key import figure_key, parse_figure_key

CHART_PAGES = ("overview", "compare", "trends", "map")  # a chart (or map) and its CSV
TABLE_PAGES = ("data", "check")  # a table of rows with sources
VIEW_PAGES = CHART_PAGES + TABLE_PAGES + ("present",)


@dataclass
class ViewData:
    view: ViewState  # the view the page shows (after its widgets' fallbacks)
    chart: pd.DataFrame  # the rows the chart (or table) is drawn from
    table: pd.DataFrame  # the rows of the page's CSV download (before source columns)


def options_for(ds: Dataset) -> Options:
    """What the data allows (the app's `frame.options` caches this): sources that give at least one row,
    in the order of their names (publisher: title)."""
    from components.cite import source_name

    srcs = tuple(sorted(q.source_ids_of(ds.table), key=lambda s: source_name(s, ds.sources).lower()))
    return options_from(ds.table, ds.codebook, srcs)


def _pick(value, allowed, default):
    """What a select box shows for `value` (controls._ensure): the value if allowed, else the default
    if allowed, else the first option."""
    allowed = list(allowed)
    if value in allowed:
        return value
    return default if default in allowed else (allowed[0] if allowed else None)


def _countries(view: ViewState, options: Options) -> list[str]:
    all_c = list(options.countries)
    return [c for c in all_c if c in view.countries] or [c for c in BALTIC if c in all_c]


def overview(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    baltic = [c for c in options.countries if c in BALTIC] or list(options.countries)
    shown = ViewState(page="overview", countries=tuple(c for c in baltic if c in view.countries) or BALTIC)
    data = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons", countries=list(shown.countries))
    return ViewData(shown, data, ex.tidy(data))


def compare(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    t, cb = ds.table, ds.codebook
    indicator = _pick(view.indicator, options.indicators, options.indicator_default())
    pdefault = options.period_default_for(indicator)
    period = _pick(view.resolved_period(options), options.periods_for(indicator), pdefault)
    breakdowns = [b for b in q.breakdowns_available(t, indicator, period) if b in options.breakdowns_for(indicator)] \
        or ["total"]
    bdefault = options.breakdown_default(indicator) if options.breakdown_default(indicator) in breakdowns else "total"
    breakdown = _pick(view.breakdown or options.breakdown_default(indicator), breakdowns, bdefault)
    measure = _pick(view.measure, options.measures_for(indicator), "absolute")
    countries = _countries(view, options)
    shown = ViewState(page="compare", countries=tuple(countries), indicator=indicator,
                      period=None if period == pdefault else period,
                      breakdown=None if breakdown == options.breakdown_default(indicator) else breakdown,
                      measure=measure, stack=view.stack, unconfirmed=view.unconfirmed)
    unit = q.unit_for(t, indicator, measure)
    data = q.compare_data(t, cb, indicator=indicator, period=period or "", breakdown=breakdown, unit=unit,
                          countries=countries, unconfirmed=view.unconfirmed)
    return ViewData(shown, data, ex.tidy(shown_rows(data)))


def shown_rows(data: pd.DataFrame) -> pd.DataFrame:
    """The rows with a figure (not the 'no data' / 'not given' placeholders): what a chart's CSV holds."""
    return data[~data["status"].isin(["no_data", "not_given"])] if "status" in data else data


def trends(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    t, cb = ds.table, ds.codebook
    countries = _countries(view, options)
    lo, hi = options.year_min, options.year_max
    years = view.years if view.years and lo <= view.years[0] <= view.years[1] <= hi else (lo, hi)
    if view.view == "chain":
        shown = ViewState(page="trends", countries=tuple(countries), indicator=view.indicator, measure=view.measure,
                          years=None if years == (lo, hi) else years, view="chain",  # no base year on the chain
                          unconfirmed=view.unconfirmed)
        data = q.chain_data(t, cb, countries=countries, year_from=years[0], year_to=years[1],
                            unconfirmed=view.unconfirmed)
        return ViewData(shown, data, ex.tidy(data))
    indicator = _pick(view.indicator, options.indicators, options.indicator_default())
    measure = _pick(view.measure, options.measures_for(indicator), "absolute")
    base = view.index_base if view.index_base is not None and years[0] <= view.index_base <= years[1] else None
    shown = ViewState(page="trends", countries=tuple(countries), indicator=indicator, measure=measure,
                      years=None if years == (lo, hi) else years, index_base=base, view="lines",
                      unconfirmed=view.unconfirmed)
    unit = q.unit_for(t, indicator, measure)
    data = q.trend_data(t, cb, indicator=indicator, unit=unit, countries=countries, year_from=years[0],
                        year_to=years[1], index_base=base, unconfirmed=view.unconfirmed)
    return ViewData(shown, data, ex.tidy(data))


def map_view(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    from components import map as mp

    t = ds.table
    indicator = _pick(view.indicator, options.indicators, options.indicator_default())
    pdefault = options.period_default_for(indicator)
    period = _pick(view.resolved_period(options), options.periods_for(indicator), pdefault)
    measure = _pick(view.measure, options.measures_for(indicator), "absolute")
    sel = view.sel if view.sel in options.countries and view.sel in BALTIC else None
    shown = ViewState(page="map", indicator=indicator, period=None if period == pdefault else period,
                      measure=measure, sel=sel, flows=view.flows, unconfirmed=view.unconfirmed)
    unit = q.unit_for(t, indicator, measure)
    choro = mp.choropleth_data(mp.drawable(t, ds.codebook, view.unconfirmed), indicator=indicator, period=period,
                               unit=unit)
    return ViewData(shown, choro, ex.tidy(choro))


_FIGURES: dict[str, pd.DataFrame] = {}  # dataset digest -> the Data page's whole table (shared: never mutated)


def figures_display(ds: Dataset) -> pd.DataFrame:
    """The Data page's whole table: the harmonised rows with labels, sources, formatted values, the
    evidence grade, and one lower-case text per row for the search box."""
    from components.style import fmt_value

    full = prov.figures_table(ds.table, ds.sources, ds.codebook)
    cb = ds.codebook
    full["Value"] = [fmt_value(v, s, u, lo, hi) for v, s, u, lo, hi in
                     zip(full["value"], full["suppressed"], full["unit"], full["value_low"], full["value_high"])]
    full["Breakdown"] = full["breakdown"].map({b: cb.breakdown_label(b) for b in full["breakdown"].unique()})
    full["Unit"] = full["unit"].map({u: cb.unit_label(u) for u in full["unit"].unique()})
    full["Flags"] = [cb.flags_text(f) for f in full["flags"]]
    full["grade_label"] = full["grade"].map({g: cb.grade_label(g) if g else "" for g in full["grade"].unique()})
    full["official"] = full["grade"].map({g: cb.is_official(g) for g in full["grade"].unique()}).astype(bool)
    full["_search"] = (full["country_label"] + " " + full["country"] + " " + full["period_label"] + " "
                       + full["indicator_label"] + " " + full["Breakdown"] + " " + full["category_label"] + " "
                       + full["Unit"] + " " + full["Value"] + " " + full["title"] + " " + full["publisher"] + " "
                       + full["source_id"] + " " + full["source_location"].fillna("") + " " + full["Flags"] + " "
                       + full["note"].fillna("") + " " + full["grade_label"]).str.lower()
    return full


def filter_figures(full: pd.DataFrame, countries, indicator: str | None = None, source: str | None = None,
                   preferred_only: bool = False, years: tuple | None = None, grade: str | None = None,
                   search: str = "") -> pd.DataFrame:
    """The Data page's filters: countries, indicator, source, preferred only, years (the period overlaps),
    evidence grade ('official', 'unconfirmed' or one grade) and a search (every word, any column)."""
    mask = full["country"].isin(countries)
    if indicator:
        mask &= full["indicator"] == indicator
    if source:
        mask &= full["source_id"].map(lambda s: source in str(s).split(";")).astype(bool)
    if preferred_only:
        mask &= full["preferred"]
    if years:
        mask &= (full["period_end"] >= years[0]) & (full["period_start"] <= years[1])
    if grade == "official":
        mask &= full["official"]
    elif grade == "unconfirmed":
        mask &= ~full["official"]
    elif grade:
        mask &= full["grade"] == grade
    for word in str(search or "").lower().split():
        mask &= full["_search"].str.contains(word, regex=False)
    return full[mask].reset_index(drop=True)


def _figures_table(ds: Dataset) -> pd.DataFrame:
    if ds.digest not in _FIGURES:
        if len(_FIGURES) >= 2:
            _FIGURES.pop(next(iter(_FIGURES)))
        _FIGURES[ds.digest] = figures_display(ds)
    return _FIGURES[ds.digest]


def data_page(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    """The Data page's table for its filters (the rows of its 'CSV of these rows')."""
    countries = _countries(view, options)
    years = view.years if view.years and view.years != (options.year_min, options.year_max) else None
    rows = filter_figures(_figures_table(ds), countries, view.filter_indicator, view.source, view.preferred_only,
                          years, view.grade, view.search)
    shown = ViewState(page="data", countries=tuple(countries), filter_indicator=view.filter_indicator,
                      source=view.source, preferred_only=view.preferred_only, years=years, grade=view.grade,
                      search=view.search, figure=view.figure)
    return ViewData(shown, rows, ex.tidy(rows))


def default_figure(ds: Dataset, options: Options) -> str | None:
    """The figure the Check page opens with when its link names none."""
    t = ds.table
    ind = options.indicator_default()
    per = options.period_default_for(ind)
    for c in ("EE", "LV", "LT", *options.countries):
        m = t[(t["country"] == c) & (t["indicator"] == ind) & (t["breakdown"] == "total") & t["preferred"]]
        counts = m[~m["unit"].isin(q.RATE_UNITS)]  # the count, not a derived rate
        m = counts if not counts.empty else m
        if per:
            m2 = m[period_key(m["period_start"], m["period_end"]) == per]
            m = m2 if not m2.empty else m
        if not m.empty:
            return figure_key(m.sort_values("period_start", ascending=False).iloc[0])
    return figure_key(t.iloc[0]) if not t.empty else None


def check(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    """Every source's value for one figure, the preferred first (the Check page's table)."""
    fig = view.figure or default_figure(ds, options)
    key = parse_figure_key(fig) if fig else None
    if key is None:
        empty = ds.table.iloc[0:0]
        return ViewData(ViewState(page="check"), empty, ex.tidy(empty))
    rows = prov.figure_rows(ds.table, key, ds.sources, prov.precedence_table(ds.data_dir))
    return ViewData(ViewState(page="check", figure=view.figure), rows, ex.tidy(rows))


def present(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    """The rows of one slide's chart (the deck's slide view, through the slide's own builder)."""
    from components import deck as dk

    try:
        deck = dk.load(view.deck or dk.DEFAULT_DECK)
    except dk.DeckError:
        deck = dk.load(dk.DEFAULT_DECK)
    n = view.slide if 1 <= view.slide <= len(deck.slides) else 1
    slide_view, _ = dk.slide_view(deck.slides[n - 1], options)
    rows = dk.slide_figure(ds, options, slide_view).rows
    table = shown_rows(rows) if slide_view.page == "compare" else rows
    shown = ViewState(page="present", deck=None if deck.id == dk.DEFAULT_DECK else deck.id, slide=n)
    return ViewData(shown, rows, ex.tidy(table))


PAGE_ROWS = {"overview": overview, "compare": compare, "trends": trends, "map": map_view, "data": data_page,
             "check": check, "present": present}


def view_data(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    """The rows `view.page` shows for `view` (see the module docstring)."""
    return PAGE_ROWS[view.page](ds, view, options)


def view_rows(ds: Dataset, view: ViewState, options: Options) -> pd.DataFrame:
    """The rows of the page's CSV for this view, with the source columns (publisher, title, link, accessed)."""
    return ex.with_source_columns(view_data(ds, view, options).table, ds.sources)
