"""The rows each page shows for a view, for the HTTP API (`/api/v1/view/<page>.csv`): the page's main
Figure's rows (components/builders), so the API, the page, its CSV and its slide cannot disagree. Pure.

`ViewData.view` is the view the page ends up showing (after the same fallbacks as its widgets:
`view_state.resolve`); `ViewData.table` is exactly what the page's CSV download holds before the source
columns. The API takes them from the process-wide store (components/store.py), which keeps the Figures the
pages draw; `view_data` here builds them afresh (tests, scripts).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from components.builders import build
from components.core import pages as registry, queries as q
from components.core.dataset import Dataset, period_key
from components.core.figure import PageBuild
from components.draw import files as ex
from components.view.options import Options, options_from
from components.view.state import ViewState, resolve
from etl.figure_key import figure_key

TABLE_PAGES = tuple(p.id for p in registry.PAGES if p.api == "table")
VIEW_PAGES = registry.CHART_PAGES + TABLE_PAGES + ("present",)


@dataclass
class ViewData:
    view: ViewState
    table: pd.DataFrame


def options_for(ds: Dataset) -> Options:
    """What the data allows (the app caches it once per dataset): sources that give at least one row, in
    the order of their names (publisher: title), and the figure the Check page opens on."""
    from components.core.cite import source_name

    srcs = tuple(sorted(q.source_ids_of(ds.table), key=lambda s: source_name(s, ds.sources).lower()))
    options = options_from(ds.table, ds.codebook, srcs)
    return replace(options, default_figure=default_figure(ds, options))


def default_figure(ds: Dataset, options: Options) -> str | None:
    """The figure the Check page opens with when its link names none: the newest total of the default
    indicator and period for the first Baltic state that has it (a count, not a derived rate)."""
    t = ds.table
    ind = options.indicator_default()
    per = options.period_default.get(ind)  # the best-covered period (not the year the charts open on)
    for c in ("EE", "LV", "LT", *options.countries):
        m = t[(t["country"] == c) & (t["indicator"] == ind) & (t["breakdown"] == "total") & t["preferred"]]
        counts = m[~m["unit"].isin(q.RATE_UNITS)]
        m = counts if not counts.empty else m
        if per:
            m2 = m[period_key(m["period_start"], m["period_end"]) == per]
            m = m2 if not m2.empty else m
        if not m.empty:
            return figure_key(m.sort_values("period_start", ascending=False).iloc[0])
    return figure_key(t.iloc[0]) if not t.empty else None


def view_data(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    """The rows `view.page` shows for `view` (see the module docstring), built now."""
    shown = resolve(view, options)  # the one resolution of an API request
    return view_data_of(ds, shown.view, build(ds, shown, options))


def view_data_of(ds: Dataset, shown: ViewState, built: PageBuild) -> ViewData:
    """The rows of the page's main Figure, or none in the table's columns."""
    return ViewData(shown, built.main.rows if built.main is not None else ex.tidy(ds.table.iloc[0:0]))


def csv_rows(ds: Dataset, table: pd.DataFrame) -> pd.DataFrame:
    """A view's rows as its CSV holds them (the page's download and the API): a label beside each code in the
    run's language, then the source columns (publisher, title, link, accessed)."""
    return ex.with_source_columns(ex.with_label_columns(table, ds.codebook, ds.sources), ds.sources)
