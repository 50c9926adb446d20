"""Per-capita rates from cited population figures (Eurostat's convention for THB: per million).

A rate row cites both sources (`count;population`). Population is the preferred figure on 1 January
of the reference year, and only an official statistic (a statistics office or Eurostat): where the
project holds no official population for the year, no rate is computed (and the build report says so)
rather than one from a weaker source. Suppressed counts give a suppressed rate range; multi-year
figures get no rate (that would need an average population). A country may set the first year a rate
makes sense (codebook/countries.csv `rate_from_year`: the EU's composition).
"""

from __future__ import annotations

import dataclasses

from etl.checks import _value
from etl.mapping import Draft
from etl.notes import note
from etl.reference import Reference
from etl.rounding import stored

RATE_UNITS = {"per_million": 1_000_000, "per_100k": 100_000}
# Stored with four decimals (five per 100,000), more where needed, so that the one decimal shown is rounded
# once from the exact rate (15 / 2,805,998 x 1e6 = 5.3457 -> 5.3), never twice (-> 5.35 -> 5.4): etl.rounding.
DECIMALS = {"per_million": 4, "per_100k": 5}
POPULATION_GRADES = {"official_statistics"}
# a rate does not inherit its count's precedence note (its own choice is made below)
PREFERRED_NOTES = {"preferred_precedence", "preferred_override"}


@dataclasses.dataclass
class RateGap:
    """A preferred count with no rate, and why (for the build report)."""

    country: str
    year: int
    indicator: str
    why: str


def add_rates(
    drafts: list[Draft], preferred: dict[int, bool], ref: Reference, gaps: list[RateGap] | None = None
) -> list[Draft]:
    rated = set(ref.indicators.loc[ref.indicators["rate"] == "yes", "indicator"])
    from_year = {r.iso2: int(r.rate_from_year) for r in ref.countries.itertuples() if getattr(r, "rate_from_year", "")}
    population, weak = {}, {}
    for d in drafts:
        if d.indicator == "population" and preferred.get(id(d)) and d.period_start == d.period_end:
            if ref.grade_of(d.source_id) in POPULATION_GRADES:
                population[(d.country, d.period_start)] = d
            else:
                weak[(d.country, d.period_start)] = d
    out = []
    for d in drafts:
        if d.indicator not in rated or d.unit != "persons" or d.period_start != d.period_end:
            continue
        pop = population.get((d.country, d.period_start))
        if d.period_start < from_year.get(d.country, 0):
            pop = None
        if pop is None or not pop.value:
            if gaps is not None and preferred.get(id(d)) and d.breakdown == "total":
                held = weak.get((d.country, d.period_start))
                why = (
                    f"population only from a {ref.grade_of(held.source_id).replace('_', ' ')} source ({held.source_id})"
                    if held is not None
                    else "no population for the year"
                )
                if d.period_start < from_year.get(d.country, 0):
                    why = f"no rate before {from_year[d.country]} for {d.country} (composition)"
                gaps.append(RateGap(d.country, d.period_start, d.indicator, why))
            continue
        for unit, per in RATE_UNITS.items():
            rate = dataclasses.replace(d, flags=set(d.flags), notes=list(d.notes))
            rate.unit = unit
            scale = per / pop.value
            places = DECIMALS[unit]
            rate.value = None if d.value is None else stored(d.value * scale, places)
            rate.value_low = None if d.value_low is None else stored(d.value_low * scale, places)
            rate.value_high = None if d.value_high is None else stored(d.value_high * scale, places)
            rate.source_id = f"{d.source_id};{pop.source_id}"
            rate.source_location = f"{d.source_location} | population: {pop.source_location}"
            rate.flags = set(d.flags) | {"derived_rate"} | ({"rounded", "preliminary", "series_break"} & pop.flags)
            rate.flags.discard("conflict")  # recomputed for rate rows below
            rate.notes = [n for n in d.notes if n.id not in PREFERRED_NOTES]
            rate.notes.append(
                note("rate_computed", year=d.period_start, population=round(pop.value), source=pop.source_id)
            )
            if "series_break" in pop.flags:
                rate.notes += [note("population_break", note=n) for n in pop.notes if n.id == "series_break"]
            preferred[id(rate)] = preferred.get(id(d), False)
            if "conflict" in d.flags:
                rate.flags.add("conflict")
            out.append(rate)
    _one_preferred_rate(drafts, out, preferred, ref)
    return out


def _one_preferred_rate(drafts: list[Draft], derived: list[Draft], preferred: dict[int, bool], ref: Reference) -> None:
    """A rate the build computes and a rate a source printed can describe the same figure: keep one
    preferred. The printed rate wins only when its source ranks above the count behind the computed one
    (e.g. Eurostat's own rate against a rate computed from a news count); a printed rate reported only by
    a weaker source gives way to the rate computed from official figures. Both stay in the table."""
    from etl.precedence import Ranker

    ranker = Ranker(ref)
    printed: dict[tuple, list[Draft]] = {}
    for d in drafts:
        if d.unit in RATE_UNITS and preferred.get(id(d)):
            printed.setdefault(d.key, []).append(d)
    for r in derived:
        if not preferred.get(id(r)) or r.key not in printed:
            continue
        count_source = r.source_id.split(";")[0]
        for p in printed[r.key]:
            if abs((p.value or 0) - (r.value or 0)) >= 1:  # printed rates are rounded to whole numbers
                p.flags.add("conflict")
                r.flags.add("conflict")
            if ranker.rank("default", p.source_id) < ranker.rank("default", count_source):
                preferred[id(r)] = False
                r.notes.append(note("rate_printed_preferred", source=p.source_id, value=_value(p.value)))
            else:
                preferred[id(p)] = False
                p.notes.append(note("rate_computed_preferred"))
