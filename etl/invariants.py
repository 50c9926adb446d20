"""Checks over the whole harmonised table that must hold before it is written (the build fails otherwise).

Each function returns one plain sentence per violation; `violations` runs them all. They take the
harmonised table itself (not the build's drafts), so tests and `python -m etl report` run the same
checks on any table: the committed one, a fresh build or a fixture.

1. No preferred breakdown set mixes sources.
2. No preferred exclusive set adds up to more than its preferred total (a `<5` counted at 1).
3. Every row of an overlapping breakdown carries the `overlapping_categories` flag.
4. No figure is preferred twice under two spellings (synonym units; the own country spelled two ways).
5. Every rate's population comes from an official statistic.
6. Every row in the years a definition break qualifies carries `definition_differs` (not only the first row
   after the break).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from etl.countries import BALTIC

if TYPE_CHECKING:
    from etl.reference import Reference

SET_KEY = ["country", "period_start", "period_end", "indicator", "unit", "breakdown"]
TOTAL_KEY = ["country", "period_start", "period_end", "indicator", "unit"]
NO_SUM_UNITS = {"percent", "tier", "per_million", "per_100k"}
SYNONYM_UNITS = ({"cases", "offences"},)


def _pref(table: pd.DataFrame) -> pd.DataFrame:
    p = table[table["preferred"]]
    return p[~p["unit"].isin(["per_million", "per_100k"])]


def mixed_source_sets(table: pd.DataFrame) -> list[str]:
    p = _pref(table)
    p = p[p["breakdown"] != "total"]
    n = p.groupby(SET_KEY)["source_id"].nunique()
    return [f"preferred {k[5]} breakdown of {k[0]} {k[1]}-{k[2]} {k[3]} ({k[4]}) mixes sources" for k in n[n > 1].index]


def exclusive_sets_over_total(table: pd.DataFrame, kind_of: Callable[[str, str], str]) -> list[str]:
    p = _pref(table)
    totals = p[p["breakdown"] == "total"]
    high = totals["value_high"].where(totals["suppressed"], totals["value"])
    high = pd.Series(high.values, index=pd.MultiIndex.from_frame(totals[TOTAL_KEY]), name="total")
    parts = p[(p["breakdown"] != "total") & ~p["unit"].isin(NO_SUM_UNITS)]
    kinds = {k: kind_of(*k) for k in set(zip(parts["indicator"], parts["breakdown"]))}
    exclusive = pd.Series(
        [kinds[k] == "exclusive" for k in zip(parts["indicator"], parts["breakdown"])], index=parts.index, dtype=bool
    )
    parts = parts[exclusive]
    low = parts["value_low"].where(parts["suppressed"], parts["value"])
    sums = low.groupby([parts[c] for c in SET_KEY]).sum().rename("sum").reset_index()
    sums["total"] = high.reindex(pd.MultiIndex.from_frame(sums[TOTAL_KEY])).values
    over = sums[sums["total"].notna() & (sums["sum"] > sums["total"] + 1e-9)]
    return [
        f"preferred {r.breakdown} breakdown of {r.country} {r.period_start}-{r.period_end} {r.indicator} adds up "
        f"to at least {r.sum:g}, more than its total {r.total:g}"
        for r in over.itertuples()
    ]


def overlapping_unflagged(table: pd.DataFrame, kind_of: Callable[[str, str], str]) -> list[str]:
    b = table[table["breakdown"] != "total"]
    out = []
    for (indicator, breakdown), rows in b.groupby(["indicator", "breakdown"]):
        if kind_of(indicator, breakdown) != "overlapping":
            continue
        bad = rows[~rows["flags"].str.contains("overlapping_categories", regex=False)]
        if not bad.empty:
            out.append(
                f"{len(bad)} row(s) of the overlapping {breakdown} breakdown of {indicator} lack the "
                "overlapping_categories flag"
            )
    return out


def preferred_twice(table: pd.DataFrame) -> list[str]:
    p = table[table["preferred"]]
    out = []
    base = ["country", "period_start", "period_end", "indicator", "breakdown", "category"]
    for units in SYNONYM_UNITS:
        u = p[p["unit"].isin(units)]
        n = u.groupby(base)["unit"].nunique()
        out += [
            f"figure {k} is preferred under two units {sorted(units)}: map the synonym in mapping/unit_synonyms.csv"
            for k in n[n > 1].index
        ]
    own = p[(p["breakdown"] == "citizenship") & (p["category"] == "own_country") & p["country"].isin(BALTIC)]
    for r in own.itertuples():
        out.append(
            f"{r.country} {r.period_label} {r.indicator}: the own country is spelled 'own_country'; spell it "
            f"citizenship_country/{r.country} (one key per figure; mapping/figures_categories.csv)"
        )
    return out


def weak_population_rates(
    table: pd.DataFrame,
    grade_of: Callable[[str], str],
    official: frozenset[str] | set[str] = frozenset({"official_statistics"}),
) -> list[str]:
    rates = table[table["unit"].isin(["per_million", "per_100k"]) & table["flags"].str.contains("derived_rate")]
    ids = rates["source_id"].str.split(";")
    population = ids.str[-1].where(ids.str.len() >= 2, "")
    grades = {sid: grade_of(sid) for sid in set(population)}
    bad = rates[pd.Series([grades[sid] not in official for sid in population], index=rates.index, dtype=bool)]
    return [
        f"rate {r.country} {r.period_label} {r.indicator}: population source {str(r.source_id).split(';')[-1]} "
        "is not an official statistic"
        for r in bad.itertuples()
    ]


def definition_spans_unflagged(table: pd.DataFrame, series_breaks: pd.DataFrame) -> list[str]:
    """Every row in the years a definition break says count differently carries `definition_differs`."""
    out = []
    for r in series_breaks[series_breaks["kind"] == "definition"].itertuples():
        start = int(r.differs_from) if r.differs_from else -10_000
        end = int(r.differs_to) if r.differs_to else 10_000
        rows = table[
            (table["country"] == r.country)
            & (table["indicator"] == r.indicator)
            & (table["period_start"] >= start)
            & (table["period_end"] <= end)
        ]
        bad = rows[~rows["flags"].str.contains("definition_differs", regex=False)]
        if not bad.empty:
            out.append(
                f"{len(bad)} row(s) of {r.country} {r.indicator} in the years the {r.year} definition break "
                "qualifies lack the definition_differs flag"
            )
    return out


def violations(table: pd.DataFrame, ref: Reference) -> list[str]:
    return (
        mixed_source_sets(table)
        + exclusive_sets_over_total(table, ref.breakdown_kind)
        + overlapping_unflagged(table, ref.breakdown_kind)
        + preferred_twice(table)
        + weak_population_rates(table, ref.grade_of)
        + definition_spans_unflagged(table, ref.series_breaks)
    )
