"""The Figure: one chart (or map) with everything said about it, built once and drawn everywhere.

A page, a slide, a PNG/SVG/CSV export, the Check page's links and the HTTP API all render the same
Figure for the same view; nothing else builds a title, a period or a source line. What a page shows beside
its Figures (cards, tables, a legend) is the page's model, beside them in a `PageBuild`. Pure: no Streamlit.

    Figure(kind="chart", title="Registered victims, 2007–2024", unit="persons", period=(2007, 2024),
           spec={...Vega-Lite...}, rows=<tidy rows>, table=<labelled table>, source_ids=("UNODC-…", …),
           source_line="Sources: UNODC …; Eurostat …", notes=("Estonia 2012: series break …",), …)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import pandas as pd

KINDS = ("chart", "map", "table")


@dataclass(frozen=True, eq=False)
class Figure:
    kind: str  # 'chart' (Vega-Lite), 'map' (pydeck on screen, static Vega-Lite map for exports), 'table'
    key: str  # what it is within its page ('trend', 'chain', 'compare', 'map', 'spark-EE', …): widget keys
    title: str  # the chart's title, with the period the data actually covers
    unit: str  # the subtitle's unit line ("persons", "index, 2015 = 100 (from persons)")
    period: tuple[int, int] | None  # first and last year the drawn rows cover (None: no rows)
    rows: pd.DataFrame  # the tidy rows behind it (harmonised columns): the CSV download before source columns
    table: pd.DataFrame  # the same numbers with readable headers (screen readers, the page's table)
    source_ids: tuple[str, ...]  # every source of the rows, preferred first
    source_line: str  # "Sources: …" as on the chart
    alt_text: str  # what a screen reader hears for the chart
    spec: dict | None = None  # the Vega-Lite spec (charts; maps: the static choropleth for exports/slides)
    deck: object | None = None  # maps: the interactive pydeck Deck (screen only)
    notes: tuple[str, ...] = ()  # breaks, flags, overlapping categories, hidden unconfirmed figures …
    caveats: tuple[str, ...] = ()  # said before the chart, and first among the notes of its files: a figure
    #                                that counts something else, so the comparison the chart invites is not valid
    file_stem: str = "thb-baltic"  # export file names: <stem>.png / .svg / .csv
    check: tuple[tuple[str, str], ...] = ()  # (label, figure key) offered as links to /check
    own_rows: pd.DataFrame | None = None  # a session's uploaded figures drawn beside it (CSV rows, labelled)
    screen: dict | None = None  # the spec as the screen draws it (set by the UI's figure cache, not builders)
    make_spec: Callable[[], dict] | None = None  # a spec only files and slides need, built on first use
    _made: dict = field(default_factory=dict, repr=False)  # make_spec's result, once

    def chart_spec(self) -> dict | None:
        """The Vega-Lite spec of the chart (or of the static map): `spec`, or `make_spec()` built once."""
        if self.spec is not None or self.make_spec is None:
            return self.spec
        if "spec" not in self._made:
            self._made["spec"] = self.make_spec()
        return self._made["spec"]

    @property
    def period_text(self) -> str:
        if not self.period:
            return "no data"
        a, b = self.period
        return str(a) if a == b else f"{a}–{b}"

    @property
    def empty(self) -> bool:
        return self.rows is None or self.rows.empty

    def summary(self) -> dict:
        """What a reader sees, as plain values: two figures with the same summary show the same thing
        (golden tests compare a slide's Figure with its page's Figure this way)."""
        rows = self.rows
        numbers = []
        if rows is not None and not rows.empty:
            cols = [
                c
                for c in (
                    "country",
                    "period_start",
                    "period_end",
                    "indicator",
                    "category",
                    "unit",
                    "value",
                    "suppressed",
                    "index",
                    "source_id",
                )
                if c in rows.columns
            ]
            numbers = sorted(
                (tuple("" if pd.isna(v) else v for v in r) for r in rows[cols].itertuples(index=False)), key=repr
            )
        return {
            "kind": self.kind,
            "title": self.title,
            "unit": self.unit,
            "period": self.period,
            "source_ids": self.source_ids,
            "source_line": self.source_line,
            "notes": self.caveats + self.notes,
            "numbers": numbers,
        }


P = TypeVar("P")  # a page's model


@dataclass(frozen=True, eq=False)
class PageBuild(Generic[P]):
    """What a page's builder returns (`components.builders.build`): its Figures, the first being the page's
    main one (its slide, its export, the data API's rows), and the page's model: a small frozen dataclass of
    what the page shows beside the Figures (an Overview's cards, the Methodology's tables …), or None."""

    figures: tuple[Figure, ...] = ()
    page: P | None = None

    @property
    def main(self) -> Figure | None:
        return self.figures[0] if self.figures else None


def years_covered(rows: pd.DataFrame) -> tuple[int, int] | None:
    """The first and last year the rows cover (their periods' starts and ends), None without rows."""
    if rows is None or rows.empty or "period_start" not in rows.columns:
        return None
    if "status" in rows.columns:
        rows = rows[~rows["status"].isin(["no_data", "not_given"])]
        if rows.empty:
            return None
    return int(rows["period_start"].min()), int(rows["period_end"].max())
