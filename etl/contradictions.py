"""A figure below official grade that contradicts the official figures is flagged and never preferred.

Compared with the preferred official-grade figures of the same country, indicator, breakdown, category and
unit (rates computed from official counts included):
- the same period: the value differs from the official one beyond the tolerance;
- a multi-year figure: it cannot be below the largest official yearly count it spans (a count) or the
  smallest official yearly rate (a rate: an average or a cumulative rate is never below every year's rate),
  nor, where official figures cover every year it spans, above their sum.
Tolerance: 10 % of the official bound, and at least 1 (printed figures are often rounded). A contradicting
row is flagged `conflict` and `contradicts_official`, keeps a note naming the official values, stays in the
table (Data, /check) and is never preferred: "missing is better than wrong".
"""

from __future__ import annotations

from collections import defaultdict

from etl.mapping import Draft
from etl.notes import Note, note
from etl.precedence import _number_value, high, low
from etl.reference import Reference

TOLERANCE_SHARE = 0.10
TOLERANCE_MIN = 1.0
FLAG = "contradicts_official"
COUNT_UNITS = {"persons", "cases", "offences"}
RATE_UNITS = {"per_million", "per_100k"}


def _tolerance(bound: float) -> float:
    return max(TOLERANCE_MIN, TOLERANCE_SHARE * abs(bound))


def contradiction(row: Draft, official: dict[int, Draft]) -> Note | None:
    """Why `row` contradicts the official yearly figures `official` (year -> row) of its series, or None."""
    if row.value is None and not row.suppressed:
        return None
    years = range(row.period_start, row.period_end + 1)
    held = [official[y] for y in years if y in official]
    if not held:
        return None
    shown = [
        note(
            "official_value",
            year=d.period_start,
            value="<5" if d.suppressed else _number_value(d.value),
            source=d.source_id.split(";")[0],
        )
        for d in held
    ]
    if row.period_start == row.period_end:
        o = held[0]
        if high(row) < low(o) - _tolerance(low(o)) or low(row) > high(o) + _tolerance(high(o)):
            return note("contradicts.differs", official=shown)
        return None
    if row.unit in COUNT_UNITS:
        floor = max(low(d) for d in held)
    elif row.unit in RATE_UNITS:
        floor = min(low(d) for d in held)
    else:
        return None
    if high(row) < floor - _tolerance(floor):
        return note("contradicts.below", official=shown)
    if len(held) == len(years):
        ceiling = sum(high(d) for d in held)
        if low(row) > ceiling + _tolerance(ceiling):
            return note("contradicts.above", official=shown)
    return None


def flag_contradictions(drafts: list[Draft], preferred: dict[int, bool], ref: Reference) -> list[Draft]:
    """Flag and un-prefer the non-official rows that contradict official ones; return them (for the report)."""
    official_grades = ref.official_grades
    series: dict[tuple, dict[int, Draft]] = defaultdict(dict)
    for d in drafts:
        main = d.source_id.split(";")[0]
        if (
            preferred.get(id(d))
            and ref.grade_of(main) in official_grades
            and d.period_start == d.period_end
            and (d.value is not None or d.suppressed)
        ):
            series[(d.country, d.indicator, d.breakdown, d.category, d.unit)][d.period_start] = d
    found = []
    for d in drafts:
        if ref.grade_of(d.source_id.split(";")[0]) in official_grades or d.unit in ("tier", "percent"):
            continue
        why = contradiction(d, series.get((d.country, d.indicator, d.breakdown, d.category, d.unit), {}))
        if why is None:
            continue
        d.flags |= {"conflict", FLAG}
        d.notes.append(note("contradicts", why=why))
        preferred[id(d)] = False
        found.append(d)
    # what rests on a contradicting row goes with it: its computed rates, and the rest of its breakdown set
    gone = {
        (
            d.country,
            d.period_start,
            d.period_end,
            d.indicator,
            d.breakdown,
            d.category if d.breakdown == "total" else "*",
            d.source_id.split(";")[0],
        )
        for d in found
    }
    for d in drafts:
        main = d.source_id.split(";")[0]
        k = (
            d.country,
            d.period_start,
            d.period_end,
            d.indicator,
            d.breakdown,
            d.category if d.breakdown == "total" else "*",
            main,
        )
        if k in gone and preferred.get(id(d)):
            preferred[id(d)] = False
            if FLAG not in d.flags:
                d.notes.append(note("rests_on_contradiction"))
    return found
