"""What the data allows a view to show (Options), built once per dataset from the harmonised table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from etl.countries import BALTIC


@dataclass(frozen=True)
class Options:
    """What the data allows; built from the dataset by the page (see `options_from`)."""

    countries: tuple[str, ...] = BALTIC
    indicators: tuple[str, ...] = ("victims",)
    periods: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # indicator -> newest first
    period_default: Mapping[str, str] = field(default_factory=dict)  # indicator -> best-covered period
    breakdowns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # indicator -> breakdowns
    measures: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # indicator -> measures
    year_min: int = 2000
    year_max: int = 2030
    sources: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    figures: frozenset[str] = frozenset()
    period_breakdowns: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (ind, period) ->
    default_figure: str | None = None  # the figure the Check page opens on
    # (indicator, single-year period) -> the countries with an official-grade total that year
    period_countries: Mapping[tuple[str, str], frozenset] = field(default_factory=dict)
    default_indicator: str = "victims"
    default_breakdown: str = "exploitation"

    def periods_for(self, indicator: str) -> tuple[str, ...]:
        return tuple(self.periods.get(indicator, ()))

    def period_default_for(self, indicator: str, countries: Iterable[str] | None = None) -> str | None:
        """The newest year in which every one of `countries` (default: the Baltic states) has an
        official-grade total; else the newest year with the most of them; else the best-covered period."""
        per = self.periods_for(indicator)
        want = set(countries or BALTIC)
        years = [(p, self.period_countries.get((indicator, p), frozenset())) for p in per if "-" not in p]
        full = [p for p, cs in years if want <= cs]
        if full:
            return full[0]  # periods are newest first
        best = max(years, key=lambda pc: len(want & pc[1]), default=None)
        if best and want & best[1]:
            return best[0]
        d = self.period_default.get(indicator)
        return d if d in per else (per[0] if per else None)

    def breakdowns_for(self, indicator: str) -> tuple[str, ...]:
        return tuple(self.breakdowns.get(indicator, ("total",))) or ("total",)

    def measures_for(self, indicator: str) -> tuple[str, ...]:
        return tuple(self.measures.get(indicator, ("absolute",))) or ("absolute",)

    def indicator_default(self) -> str:
        if self.default_indicator in self.indicators or not self.indicators:
            return self.default_indicator
        return self.indicators[0]

    def breakdown_default(self, indicator: str) -> str:
        b = self.breakdowns_for(indicator)
        return self.default_breakdown if self.default_breakdown in b else b[0]


def options_from(ds_table: Any, codebook: Any, sources: Iterable[str] = ()) -> Options:
    """Build Options from the harmonised table (pure; imported lazily to keep this module light)."""
    import pandas as pd

    from components.core import queries as q
    from etl.figure_key import figure_keys

    inds = tuple(q.indicators_available(ds_table, codebook))
    # each query sees only its indicator's preferred rows: same answers, a fraction of the work
    pref = ds_table[ds_table["preferred"]]
    by_ind = dict(tuple(pref.groupby("indicator", sort=False)))
    rows = {i: by_ind.get(i, pref.iloc[0:0]) for i in inds}
    per = {i: tuple(q.periods_available(rows[i], i)) for i in inds}
    # the default period is chosen among the official-grade figures the charts show by default
    official = {i: r[q.official_mask(r, codebook)] for i, r in rows.items()}
    per_default = {i: q.best_period(official[i], i) for i in inds}
    totals = pd.concat(official.values()) if official else pref.iloc[0:0]
    totals = totals[
        (totals["breakdown"] == "total")
        & (totals["category"] == "total")
        & totals["single_year"]
        & q.has_value(totals)
        & ~totals["unit"].isin(q.RATE_UNITS)
    ]
    per_countries = {k: frozenset(g["country"]) for k, g in totals.groupby(["indicator", "period"])}
    bds = {i: tuple(q.breakdowns_available(rows[i], i)) for i in inds}
    by_period = q.breakdowns_by_period(pref)
    per_bds = {(i, p): by_period.get((i, p), ()) for i in inds for p in per[i]}
    ms = {i: tuple(q.measures_available(rows[i], i)) for i in inds}
    years = q.years_available(ds_table)
    figs = frozenset(figure_keys(ds_table))
    return Options(
        countries=tuple(q.countries_available(ds_table)),
        indicators=inds,
        periods=per,
        period_default={k: v for k, v in per_default.items() if v},
        breakdowns=bds,
        measures=ms,
        year_min=min(years) if years else 2000,
        year_max=max(years) if years else 2030,
        sources=tuple(sources),
        figures=figs,
        period_breakdowns=per_bds,
        period_countries=per_countries,
        grades=tuple(sorted(set(ds_table["grade"]) - {""})) if "grade" in ds_table.columns else (),
    )
