"""`python -m etl report`: coverage matrix (country x year x indicator, which source) and every conflict."""
from __future__ import annotations

from collections import Counter

import pandas as pd

from etl.build import harmonise
from etl.figure_key import KEY
from etl.paths import DataPaths

COUNTRIES = ["EE", "LV", "LT"]


def _short(source_ids: pd.Series, families: dict[str, str]) -> str:
    """One letter per source family behind a cell: U UNODC, E Eurostat/EC, N national, G GRETA, T US TIP, S secondary."""
    letters = {"unodc": "U", "eurostat": "E", "eurostat_ec": "E", "national": "N", "greta": "G", "us_tip": "T", "secondary": "S"}
    found = {letters.get(families.get(s, ""), "?") for ids in source_ids for s in ids.split(";")[:1]}
    return "".join(sorted(found))


def coverage(table: pd.DataFrame, families: dict[str, str]) -> str:
    counts = table[(table["breakdown"] == "total") & table["country"].isin(COUNTRIES)
                   & (table["period_start"] == table["period_end"])
                   & ~table["unit"].isin(["per_million", "per_100k", "percent"])]
    years = list(range(int(counts["period_start"].min()), int(counts["period_end"].max()) + 1))
    lines = ["Coverage: total figures by country, indicator and year (letters = source families: "
             "U UNODC, E Eurostat/EC, N national, G GRETA, T US TIP, S secondary; . = no data)", ""]
    header = f"{'':4}{'indicator':<30}" + "".join(f"{str(y)[2:]:>4}" for y in years)
    for country in COUNTRIES:
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
            lines.append(f"    {r.country} {r.period_label:<16} {r.indicator}/{r.breakdown}/{r.category} = {_value(r)} {r.unit} [{r.source_id}]")
    return "\n".join(lines)


def _value(r) -> str:
    if r.suppressed:
        return "<5"
    return f"{r.value:,.0f}" if float(r.value).is_integer() else f"{r.value:g}"


def conflicts(table: pd.DataFrame) -> str:
    rows = table[table["flags"].str.contains("conflict") & ~table["unit"].isin(["per_million", "per_100k"])]
    lines = [f"Conflicts between sources: {rows.groupby(KEY).ngroups} figures where sources give different values "
             "(preferred value marked *)", ""]
    for key, group in rows.groupby(KEY, sort=True):
        country, start, end, indicator, breakdown, category, unit = key
        period = str(start) if start == end else f"{start}-{end}"
        values = "; ".join(f"{'*' if r.preferred else ''}{_value(r)} {r.source_id}" for r in group.itertuples())
        lines.append(f"  {country} {period} {indicator}/{breakdown}/{category} ({unit}): {values}")
    return "\n".join(lines)


def flagged(table: pd.DataFrame) -> str:
    counts = Counter(f for flags in table["flags"] for f in flags.split(";") if f)
    lines = ["Flags (rows):"] + [f"  {flag:<26}{n:>6}" for flag, n in sorted(counts.items())]
    problems = table[table["flags"].str.contains("breakdown_exceeds_total|probable_source_error")
                     & ~table["unit"].isin(["per_million", "per_100k"])]
    lines += ["", f"Breakdowns above their total or probable source errors ({len(problems)} rows):"]
    for r in problems.sort_values(KEY).itertuples():
        lines.append(f"  {r.country} {r.period_label} {r.indicator}/{r.breakdown}/{r.category} = {_value(r)} "
                     f"[{r.source_id}; {r.flags}]")
    return "\n".join(lines)


def grades(table: pd.DataFrame, ref) -> str:
    """How many figures rest on each evidence grade, and which preferred figures are unconfirmed."""
    official = ref.official_grades
    p = table[table["preferred"] & ~table["unit"].isin(["per_million", "per_100k"])]
    lines = ["Preferred figures by evidence grade of their source (official grades are charted by default):"]
    for grade, n in p["grade"].value_counts().items():
        lines.append(f"  {grade:<26}{n:>6}{'' if grade in official else '  (unconfirmed: shown only on request)'}")
    weak = p[~p["grade"].isin(official) & (p["breakdown"] == "total") & p["country"].isin(COUNTRIES)
             & (p["indicator"] != "population")]
    lines += ["", f"Unconfirmed totals for the three states ({len(weak)}: known only from weaker sources):"]
    for r in weak.sort_values(KEY).itertuples():
        lines.append(f"  {r.country} {r.period_label} {r.indicator} = {_value(r)} {r.unit} [{r.source_id}; {r.grade}]")
    return "\n".join(lines)


def breakdown_sets(table: pd.DataFrame, ref, gaps) -> str:
    from etl import invariants

    excluded = table[table["flags"].str.contains("breakdown_exceeds_total") & ~table["unit"].isin(["per_million", "per_100k"])]
    n_sets = excluded.groupby(invariants.SET_KEY + ["source_id"]).ngroups
    lines = [f"Breakdown sets not used because they add up to more than their total: {n_sets} "
             "(a '<5' counted at 1; flagged breakdown_exceeds_total, kept in the table)",
             f"Invariants: {len(invariants.violations(table, ref))} violation(s)",
             "", f"Per-capita rates not computed ({len(gaps)} preferred totals):"]
    for g in sorted(gaps, key=lambda g: (g.country, g.year, g.indicator)):
        lines.append(f"  {g.country} {g.year} {g.indicator}: {g.why}")
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
    return "\n\n".join(["\n".join(summary), coverage(table, families), grades(table, result.reference),
                         breakdown_sets(table, result.reference, result.rate_gaps), conflicts(table), flagged(table)])
