"""`python -m etl report`: coverage matrix (country x year x indicator, which source) and every conflict."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd

from etl.build import BuildResult, harmonise
from etl.countries import BALTIC
from etl.figure_key import KEY
from etl.paths import DataPaths

if TYPE_CHECKING:
    from etl.rates import RateGap
    from etl.reference import Reference


def _short(source_ids: pd.Series, families: dict[str, str]) -> str:
    """One letter per source family behind a cell: U UNODC, E Eurostat/EC, N national, G GRETA, T US TIP, S secondary."""
    letters = {
        "unodc": "U",
        "eurostat": "E",
        "eurostat_ec": "E",
        "national": "N",
        "greta": "G",
        "us_tip": "T",
        "secondary": "S",
    }
    found = {letters.get(families.get(s, ""), "?") for ids in source_ids for s in ids.split(";")[:1]}
    return "".join(sorted(found))


def coverage(table: pd.DataFrame, families: dict[str, str]) -> str:
    counts = table[
        (table["breakdown"] == "total")
        & table["country"].isin(BALTIC)
        & (table["period_start"] == table["period_end"])
        & ~table["unit"].isin(["per_million", "per_100k", "percent"])
    ]
    years = list(range(int(counts["period_start"].min()), int(counts["period_end"].max()) + 1))
    lines = [
        "Coverage: total figures by country, indicator and year (letters = source families: "
        "U UNODC, E Eurostat/EC, N national, G GRETA, T US TIP, S secondary; . = no data)",
        "",
    ]
    header = f"{'':4}{'indicator':<30}" + "".join(f"{str(y)[2:]:>4}" for y in years)
    for country in BALTIC:
        lines += [f"{country}", header]
        part = counts[counts["country"] == country]
        for indicator, rows in part.groupby("indicator", sort=True):
            cells = [(_short(rows.loc[rows["period_start"] == y, "source_id"], families) or ".") for y in years]
            lines.append(f"{'':4}{indicator:<30}" + "".join(f"{c:>4}" for c in cells))
        lines.append("")
    multi = table[(table["period_end"] > table["period_start"]) & (table["indicator"] != "tip_tier")]
    if not multi.empty:
        lines.append("Multi-year figures (kept as periods, never spread over years):")
        for r in multi.sort_values(KEY).itertuples():
            lines.append(
                f"    {r.country} {r.period_label:<16} {r.indicator}/{r.breakdown}/{r.category} = {_value(r)} {r.unit} [{r.source_id}]"
            )
    return "\n".join(lines)


def _value(r: Any) -> str:  # a row of the table (itertuples)
    if r.suppressed:
        return "<5"
    return f"{r.value:,.0f}" if float(r.value).is_integer() else f"{r.value:g}"


def conflicts(table: pd.DataFrame) -> str:
    rows = table[table["flags"].str.contains("conflict") & ~table["unit"].isin(["per_million", "per_100k"])]
    lines = [
        f"Conflicts between sources: {rows.groupby(KEY).ngroups} figures where sources give different values "
        "(preferred value marked *)",
        "",
    ]
    for key, group in rows.groupby(KEY, sort=True):
        country, start, end, indicator, breakdown, category, unit = key
        period = str(start) if start == end else f"{start}-{end}"
        values = "; ".join(f"{'*' if r.preferred else ''}{_value(r)} {r.source_id}" for r in group.itertuples())
        lines.append(f"  {country} {period} {indicator}/{breakdown}/{category} ({unit}): {values}")
    return "\n".join(lines)


def flagged(table: pd.DataFrame) -> str:
    counts = Counter(f for flags in table["flags"] for f in flags.split(";") if f)
    lines = ["Flags (rows):"] + [f"  {flag:<26}{n:>6}" for flag, n in sorted(counts.items())]
    problems = table[
        table["flags"].str.contains("breakdown_exceeds_total|probable_source_error")
        & ~table["unit"].isin(["per_million", "per_100k"])
    ]
    lines += ["", f"Breakdowns above their total or probable source errors ({len(problems)} rows):"]
    for r in problems.sort_values(KEY).itertuples():
        lines.append(
            f"  {r.country} {r.period_label} {r.indicator}/{r.breakdown}/{r.category} = {_value(r)} "
            f"[{r.source_id}; {r.flags}]"
        )
    return "\n".join(lines)


def grades(table: pd.DataFrame, ref: Reference) -> str:
    """How many figures rest on each evidence grade, and which preferred figures are unconfirmed."""
    official = ref.official_grades
    p = table[table["preferred"] & ~table["unit"].isin(["per_million", "per_100k"])]
    lines = ["Preferred figures by evidence grade of their source (official grades are charted by default):"]
    for grade, n in p["grade"].value_counts().items():
        lines.append(f"  {grade:<26}{n:>6}{'' if grade in official else '  (unconfirmed: shown only on request)'}")
    weak = p[
        ~p["grade"].isin(official)
        & (p["breakdown"] == "total")
        & p["country"].isin(BALTIC)
        & (p["indicator"] != "population")
    ]
    lines += ["", f"Unconfirmed totals for the three states ({len(weak)}: known only from weaker sources):"]
    for r in weak.sort_values(KEY).itertuples():
        lines.append(f"  {r.country} {r.period_label} {r.indicator} = {_value(r)} {r.unit} [{r.source_id}; {r.grade}]")
    return "\n".join(lines)


def breakdown_sets(table: pd.DataFrame, ref: Reference, gaps: list[RateGap]) -> str:
    from etl import invariants

    excluded = table[
        table["flags"].str.contains("breakdown_exceeds_total") & ~table["unit"].isin(["per_million", "per_100k"])
    ]
    n_sets = excluded.groupby(invariants.SET_KEY + ["source_id"]).ngroups
    lines = [
        f"Breakdown sets not used because they add up to more than their total: {n_sets} "
        "(a '<5' counted at 1; flagged breakdown_exceeds_total, kept in the table)",
        f"Invariants: {len(invariants.violations(table, ref))} violation(s)",
        "",
        f"Per-capita rates not computed ({len(gaps)} preferred totals):",
    ]
    for g in sorted(gaps, key=lambda g: (g.country, g.year, g.indicator)):
        lines.append(f"  {g.country} {g.year} {g.indicator}: {g.why}")
    return "\n".join(lines)


def _same_at_precision(exact: float, printed: float) -> bool:
    """Does `exact` round to `printed` at the precision the office printed it (1 883 000: to thousands)?"""
    value, step = int(round(printed)), 1
    while value and value % (step * 10) == 0 and step < 10_000:
        step *= 10
    return abs(exact - printed) <= step / 2


def quotable(table: pd.DataFrame, result: BuildResult) -> str:
    """What stands beside the numbers (issue 'quotable to the last digit'): each rule and its findings."""
    from etl.hosts import Hosts

    ref = result.reference
    src = ref.sources.set_index("source_id")
    used = {s for ids in table["source_id"] for s in ids.split(";")}
    lines = ["Quotable to the last digit: the rules the build applies, and what they found", ""]
    # 1. citations name the publisher; copies are provenance
    hosts = Hosts(ref.hosts)
    named = [
        sid for sid in src.index if any(hosts.named_in(src.at[sid, f]) for f in ("publisher", "title", "citation"))
    ]
    lines.append(
        f"1. Citations name the publisher: {len(named)} citation line(s) name a code host or a sharing site "
        "(the build refuses any)."
    )
    copies = src[src["copy_kind"] != ""]
    for kind, group in copies.groupby("copy_kind"):
        ids = [i for i in group.index if i in used]
        rows = int(table["source_id"].map(lambda x, ids=ids: any(p in ids for p in x.split(";"))).sum())
        lines.append(
            f"   read in a copy ({kind}): {len(group)} source(s), {rows} table row(s) cite them: "
            + ", ".join(sorted(group.index))
        )
    # the data copies against the statistics offices' own values for the same figure
    data_copies = set(copies.index[copies["copy_kind"] == "data_copy"])
    pop = table[(table["indicator"] == "population") & (table["breakdown"] == "total")]
    offices = pop[pop["grade"] == "official_statistics"]
    same = differ = 0
    detail = []
    for key, rows in offices.groupby(["country", "period_start"]):
        copy_vals = {float(v) for sid, v in zip(rows["source_id"], rows["value"]) if sid in data_copies}
        office_vals = {
            float(v)
            for sid, v in zip(rows["source_id"], rows["value"])
            if sid not in data_copies and src.at[sid, "family"] != "eurostat"
        }
        if copy_vals and office_vals:
            if any(_same_at_precision(c, o) for c in copy_vals for o in office_vals):
                same += 1
            else:
                differ += 1
                detail.append(f"{key[0]} {key[1]}: copy {sorted(copy_vals)} vs office {sorted(office_vals)}")
    lines.append(
        f"   Eurostat data copies against the statistics offices' own population figures: {same} "
        f"country-year(s) equal (at the precision the office printed), {differ} differ"
        + (f" ({'; '.join(detail)})" if detail else "")
    )
    # 2. grades by what a document is, where it was read
    official = ref.official_grades
    bad_hosts = [
        sid
        for sid in src.index
        if src.at[sid, "grade"] in official
        and src.at[sid, "url"]
        and hosts.kind_of_url(src.at[sid, "url"]) not in ("publisher", "archive_of_record")
    ]
    reprints = copies[copies["copy_kind"] == "reprint"]
    lines.append(
        f"2. Grades by where a document was read: {len(bad_hosts)} official grade(s) off a publisher's host; "
        f"{len(reprints)} reprint(s), graded: "
        + ", ".join(f"{sid} {reprints.at[sid, 'grade']}" for sid in sorted(reprints.index))
    )
    # 3. comparable or said not to be
    differs = table[table["flags"].str.contains("definition_differs", regex=False)]
    by = differs.groupby(["country", "indicator"]).agg(
        rows=("value", "size"), first=("period_start", "min"), last=("period_end", "max")
    )
    lines.append(
        f"3. Definition differs: {len(differs)} row(s) flagged definition_differs on every year a "
        "definition break qualifies (or by the mapping):"
    )
    lines += [f"   {c} {i}: {r.rows} row(s), {r.first}-{r.last}" for (c, i), r in by.iterrows()]
    # 4. contradictions demote
    lines.append(
        f"4. Contradictions: {len(result.contradicting)} row(s) below official grade contradict official "
        "figures (flagged contradicts_official, never preferred):"
    )
    lines += [
        f"   {d.country} {d.period_label} {d.indicator}/{d.breakdown}/{d.category} = "
        f"{'<5' if d.suppressed else f'{d.value:g}'} {d.unit} [{d.source_id}]"
        for d in sorted(result.contradicting, key=lambda d: d.key)
    ]
    # 5. numbers as statistics offices write them
    rates = table[table["flags"].str.contains("derived_rate") & table["value"].notna()]

    from etl.rounding import round_half_up as half_up

    twice = sum(1 for v in rates["value"] if half_up(half_up(v, 2), 1) != half_up(v, 1))
    binary = sum(1 for v in rates["value"] if f"{round(float(v), 2):.1f}" != str(half_up(v, 1)))
    withheld = table[table["suppressed"] & table["unit"].isin(["per_million", "per_100k"])]
    longer = sum(
        1
        for v, u in zip(rates["value"], rates["unit"])
        if len(repr(float(v)).split(".")[-1]) > (4 if u == "per_million" else 5)
    )
    lines.append(
        f"5. Rounding: {len(rates)} computed rates stored with 4 (per million) or 5 (per 100,000) "
        f"decimals ({longer} with more, where fewer would change the digit shown) and shown rounded once, "
        f"half up; stored with 2 decimals, {twice} would show another last digit when rounded twice, and "
        f"{binary} when rounded in binary (the old display)."
    )
    lines.append(
        f"   Withheld counts in a rate's unit: {len(withheld)} row(s), written as their range "
        "('0.8–3.0 per million'), never '<5'."
    )
    return "\n".join(lines)


def report(paths: DataPaths) -> str:
    result = harmonise(paths)
    table = result.table
    families = dict(zip(result.reference.sources["source_id"], result.reference.sources["family"]))
    excluded = Counter(e.reason for e in result.excluded)
    summary = [
        f"Harmonised rows: {len(table)} ({int(table['preferred'].sum())} preferred); "
        f"raw rows read: {sum(result.raw_counts.values())}; excluded by the mapping: {len(result.excluded)}",
        f"Years: {table['period_start'].min()}-{table['period_end'].max()}; countries: {', '.join(sorted(table['country'].unique()))}",
        "",
        "Raw rows excluded (reason: rows):",
    ] + [f"  {n:>3}  {reason}" for reason, n in excluded.most_common()]
    return "\n\n".join(
        [
            "\n".join(summary),
            coverage(table, families),
            grades(table, result.reference),
            breakdown_sets(table, result.reference, result.rate_gaps),
            quotable(table, result),
            conflicts(table),
            flagged(table),
        ]
    )
