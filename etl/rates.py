"""Per-capita rates from cited population figures (Eurostat's convention for THB: per million).

A rate row cites both sources (`count;population`). Population is the preferred figure on 1 January
of the reference year. Suppressed counts give a suppressed rate range; multi-year figures get no
rate (that would need an average population).
"""
from __future__ import annotations

import dataclasses

from etl.mapping import Draft
from etl.reference import Reference

RATE_UNITS = {"per_million": 1_000_000, "per_100k": 100_000}
DECIMALS = {"per_million": 2, "per_100k": 3}


def add_rates(drafts: list[Draft], preferred: dict[int, bool], ref: Reference) -> list[Draft]:
    rated = set(ref.indicators.loc[ref.indicators["rate"] == "yes", "indicator"])
    population = {(d.country, d.period_start): d for d in drafts
                  if d.indicator == "population" and preferred.get(id(d)) and d.period_start == d.period_end}
    out = []
    for d in drafts:
        if d.indicator not in rated or d.unit != "persons" or d.period_start != d.period_end:
            continue
        pop = population.get((d.country, d.period_start))
        if pop is None or not pop.value:
            continue
        for unit, per in RATE_UNITS.items():
            rate = dataclasses.replace(d, flags=set(d.flags), notes=list(d.notes))
            rate.unit = unit
            scale = per / pop.value
            places = DECIMALS[unit]
            rate.value = None if d.value is None else round(d.value * scale, places)
            rate.value_low = None if d.value_low is None else round(d.value_low * scale, places)
            rate.value_high = None if d.value_high is None else round(d.value_high * scale, places)
            rate.source_id = f"{d.source_id};{pop.source_id}"
            rate.source_location = f"{d.source_location} | population: {pop.source_location}"
            rate.flags = set(d.flags) | {"derived_rate"} | ({"rounded"} & pop.flags) | ({"preliminary"} & pop.flags)
            rate.flags.discard("conflict")  # recomputed for rate rows below
            rate.notes = [n for n in d.notes if not n.startswith("Preferred over")]
            rate.notes.append(f"Rate computed from the count and the population on 1 January {d.period_start} "
                              f"({pop.value:,.0f}, {pop.source_id}).")
            preferred[id(rate)] = preferred.get(id(d), False)
            if "conflict" in d.flags:
                rate.flags.add("conflict")
            out.append(rate)
    return out
