"""Raw transcriptions -> harmonised draft rows, through the mapping tables (no wording in code).

Every raw row either becomes exactly one harmonised row or is excluded with the mapping table's
reason; nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from etl.errors import BuildError
from etl.notes import Note
from etl.reference import Reference, read_table
from etl.schema import EUROSTAT_RAW, EUROSTAT_RESERVED, GLOTIP_RAW, RESEARCH_RAW, validate

if TYPE_CHECKING:
    import pandera.pandas as pa

RESEARCH_FILES = ["national.csv", "us_tip.csv", "greta.csv", "eurostat_ec.csv", "secondary.csv"]
GLOTIP_GLOB = "unodc_glotip_*.csv"
EUROSTAT_DIR = "eurostat"
SNAPSHOT_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Draft:
    """One harmonised figure before precedence and rates."""

    country: str
    period_start: int
    period_end: int
    period_label: str
    indicator: str
    breakdown: str
    category: str
    unit: str
    value: float | None
    value_low: float | None
    value_high: float | None
    suppressed: bool
    source_id: str
    source_location: str
    raw_file: str
    raw_row: int
    status: str = ""
    flags: set[str] = field(default_factory=set)
    notes: list[Note] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (
            self.country,
            self.period_start,
            self.period_end,
            self.indicator,
            self.breakdown,
            self.category,
            self.unit,
        )


@dataclass
class Exclusion:
    raw_file: str
    raw_row: int
    reason: str


def _records(table: pd.DataFrame, *key: str) -> dict:
    """A mapping table as {key tuple (or single value): row dict} for fast lookups."""
    rows = table.to_dict("records")
    if len(key) == 1:
        return {r[key[0]]: r for r in rows}
    return {tuple(r[k] for k in key): r for r in rows}


def _label_to_iso(ref: Reference) -> dict[str, str]:
    return dict(zip(ref.country_labels["label"], ref.country_labels["iso2"]))


def read_raw(path: Path, schema: pa.DataFrameSchema) -> pd.DataFrame:
    frame = read_table(path, list(schema.columns))
    return validate(schema, frame, lambda i: f"{path.name} line {i}")


def map_research(frame: pd.DataFrame, raw_file: str, ref: Reference) -> tuple[list[Draft], list[Exclusion]]:
    indicators = _records(ref.figures_indicators, "src_indicator")
    units = _records(ref.unit_map, "src_unit")
    labels = _label_to_iso(ref)
    cats = _records(ref.figures_categories, "src_dimension", "src_category", "country")
    synonyms = {(r.indicator, r.src_unit): r.unit for r in ref.unit_synonyms.itertuples()}
    drafts, excluded, problems = [], [], []
    for line, row in zip(frame.index, frame.to_dict("records")):
        where = f"{raw_file} line {line}"
        if row["src_indicator"] not in indicators:
            problems.append(f"{where}: indicator {row['src_indicator']!r} is not in mapping/figures_indicators.csv")
            continue
        ind = indicators[row["src_indicator"]]
        if ind["action"] == "exclude":
            excluded.append(Exclusion(raw_file, line, ind["note"]))
            continue
        # most specific category rule wins: exact category + country, exact category, then '*'
        dim, src_cat = row["src_dimension"], row["src_category"]
        cat = cats.get((dim, src_cat, row["country"])) or cats.get((dim, src_cat, "")) or cats.get((dim, "*", ""))
        if cat is None:
            problems.append(f"{where}: dimension/category {dim}/{src_cat} is not in mapping/figures_categories.csv")
            continue
        if cat["action"] == "exclude":
            excluded.append(Exclusion(raw_file, line, cat["note"]))
            continue
        breakdown, category = cat["breakdown"], cat["category"]
        if ind["breakdown_override"] and breakdown == "total":
            breakdown, category = ind["breakdown_override"], ind["category_override"]
        if category == "@country_label":
            if row["src_category"] not in labels:
                problems.append(f"{where}: country label {row['src_category']!r} is not in mapping/country_labels.csv")
                continue
            category = labels[row["src_category"]]
        elif category == "@own_country":
            category = row["country"]  # one key per figure: the own country is spelled as its ISO code
        unit_rule = units.get(row["unit"])
        if unit_rule is None or not unit_rule["unit"]:
            problems.append(f"{where}: unit {row['unit']!r} has no harmonised unit in mapping/units.csv")
            continue
        value = float(Decimal(row["value"]) * Decimal(unit_rule["factor"]))
        indicator = cat["indicator_override"] or ind["indicator"]
        unit = synonyms.get((indicator, unit_rule["unit"]), unit_rule["unit"])  # one key per figure
        draft = Draft(
            country=row["country"],
            period_start=int(row["period_start"]),
            period_end=int(row["period_end"]),
            period_label=row["period_label"],
            indicator=indicator,
            breakdown=breakdown,
            category=category,
            unit=unit,
            value=value,
            value_low=None,
            value_high=None,
            suppressed=False,
            source_id=row["source_id"],
            source_location=row["location"],
            raw_file=raw_file,
            raw_row=int(line),
            status=row["status"],
        )
        draft.flags |= {f for f in (ind["flags"].split(";") + unit_rule["flags"].split(";")) if f}
        if row["status"] == "preliminary":
            draft.flags.add("preliminary")
        if draft.period_end > draft.period_start and "multi_year" not in draft.flags and draft.indicator != "tip_tier":
            draft.flags.add("multi_year")
        draft.notes += [ref.notes.curated(n) for n in (ind["note"], cat["note"]) if n]
        drafts.append(draft)
    if problems:
        raise BuildError(problems)
    return drafts, excluded


def map_glotip(frame: pd.DataFrame, raw_file: str, ref: Reference) -> tuple[list[Draft], list[Exclusion]]:
    indicators = _records(ref.glotip_indicators, "src_indicator")
    sex_age = {(r.src_sex, r.src_age): r for r in ref.glotip_sex_age.itertuples()}
    labels = _label_to_iso(ref)
    cats = _records(ref.glotip_categories, "src_dimension", "src_category")
    drafts, problems = [], []
    for line, row in zip(frame.index, frame.to_dict("records")):
        where = f"{raw_file} line {line}"
        ind = indicators.get(row["src_indicator"])
        if ind is None:
            problems.append(
                f"{where}: UNODC indicator {row['src_indicator']!r} is not in mapping/glotip_indicators.csv"
            )
            continue
        cat = cats.get((row["src_dimension"], row["src_category"])) or cats.get((row["src_dimension"], "*"))
        if cat is None:
            problems.append(
                f"{where}: UNODC dimension/category {row['src_dimension']}/{row['src_category']} is not in mapping/glotip_categories.csv"
            )
            continue
        sa = sex_age.get((row["src_sex"], row["src_age"]))
        breakdown, category = cat["breakdown"], cat["category"]
        if breakdown == "@sex_age":
            if sa is None:
                problems.append(
                    f"{where}: UNODC sex/age {row['src_sex']}/{row['src_age']} is not in mapping/glotip_sex_age.csv"
                )
                continue
            breakdown, category = sa.breakdown, sa.category
        elif category == "@own_country":
            category = row["country"]
        elif category == "@country_label":
            if row["src_category"] not in labels:
                problems.append(f"{where}: country label {row['src_category']!r} is not in mapping/country_labels.csv")
                continue
            category = labels[row["src_category"]]
        if breakdown == "exploitation" and (row["src_sex"], row["src_age"]) != ("Total", "Total"):
            # A form by sex and/or age: 'sexual' + 'female_child' -> exploitation_sex_age / sexual.female_child
            if sa is None or not sa.form_suffix:
                problems.append(
                    f"{where}: UNODC sex/age {row['src_sex']}/{row['src_age']} has no form suffix in mapping/glotip_sex_age.csv"
                )
                continue
            breakdown, category = "exploitation_sex_age", f"{category}.{sa.form_suffix}"
        elif breakdown not in ("total", "sex", "age", "sex_age") and (row["src_sex"], row["src_age"]) != (
            "Total",
            "Total",
        ):
            problems.append(f"{where}: UNODC {row['src_dimension']} by sex/age is not mapped")
            continue
        suppressed = row["value"] == "<5"
        draft = Draft(
            country=row["country"],
            period_start=int(row["year"]),
            period_end=int(row["year"]),
            period_label=row["year"],
            indicator=ind["indicator"],
            breakdown=breakdown,
            category=category,
            unit=ind["unit"],
            value=None if suppressed else float(row["value"]),
            value_low=1.0 if suppressed else None,
            value_high=4.0 if suppressed else None,
            suppressed=suppressed,
            source_id=row["source_id"],
            source_location=row["location"],
            raw_file=raw_file,
            raw_row=int(line),
        )
        if suppressed:
            draft.flags.add("suppressed_lt5")
        draft.notes += [
            ref.notes.curated(n)
            for n in (ind.get("note", ""), cat["note"])
            if n and not n.startswith("Sex and age from")
        ]
        drafts.append(draft)
    if problems:
        raise BuildError(problems)
    return drafts, []


def latest_eurostat_snapshot(raw_dir: Path) -> Path | None:
    """The newest dated folder under raw/eurostat/ (older ones stay as history and are not read)."""
    folder = raw_dir / EUROSTAT_DIR
    if not folder.is_dir():
        return None
    dated = sorted(p for p in folder.iterdir() if p.is_dir() and SNAPSHOT_NAME.match(p.name))
    return dated[-1] if dated else None


def eurostat_snapshot_files(raw_dir: Path) -> list[Path]:
    """The dataset files of the latest snapshot (files starting with '_' are companions, e.g. code lists)."""
    latest = latest_eurostat_snapshot(raw_dir)
    if latest is None:
        return []
    return sorted(p for p in latest.glob("*.csv") if not p.name.startswith("_"))


def _eurostat_rules(ref: Reference) -> dict:
    return {(r["dataset"], r["dimension"], r["code"]): r for r in ref.eurostat_codes.to_dict("records")}


def _rule(rules: dict, dataset: str, dimension: str, code: str) -> dict | None:
    return rules.get((dataset, dimension, code)) or rules.get(("*", dimension, code))


def _compose(parts: list[tuple[str, str]]) -> tuple[str, str] | None:
    """Several breakdown dimensions on one row -> one codebook breakdown, or None if there is none."""
    parts = [p for p in parts if p[0] != "total"]
    if not parts:
        return "total", "total"
    if len(parts) == 1:
        return parts[0]
    found = dict(parts)
    if len(found) != len(parts):
        return None
    if set(found) == {"sex", "age"}:
        return "sex_age", f"{found['sex']}_{found['age']}"
    form = found.pop("exploitation", None)
    if form is not None:
        if set(found) == {"sex", "age"}:
            return "exploitation_sex_age", f"{form}.{found['sex']}_{found['age']}"
        if len(found) == 1 and next(iter(found)) in ("sex", "age", "sex_age"):
            return "exploitation_sex_age", f"{form}.{next(iter(found.values()))}"
    return None


def map_eurostat(frame: pd.DataFrame, raw_file: str, ref: Reference) -> tuple[list[Draft], list[Exclusion]]:
    """A Eurostat snapshot through mapping/eurostat_codes.csv.

    Each row's dataset (dimension '@dataset'), dimension codes and flag letters (dimension '@flag') are looked
    up, dataset-specific rule first, then '*'. Missing (':') and confidential ('c') values give no figure
    (an exclusion with the reason, never a zero). A code or flag that is unknown or still marked 'review'
    stops the build, naming the file, line and code.
    """
    rules = _eurostat_rules(ref)
    dims = [c for c in frame.columns if c not in EUROSTAT_RESERVED] + ["geo"]
    drafts, excluded, problems = [], [], []
    snapshot = raw_file.split("/")[-2] if "/" in raw_file else ""
    for line, row in zip(frame.index, frame.to_dict("records")):
        where = f"{raw_file} line {line}"
        dataset = row["dataset"]
        letters = [ch for ch in row["flag"] if ch not in ": "]
        flag_rules = [(ch, _rule(rules, dataset, "@flag", ch)) for ch in letters]
        gone = [r for _, r in flag_rules if r is not None and r["action"] in ("missing", "exclude")]
        if row["value"] == "" and not gone:
            gone = [r for r in [_rule(rules, dataset, "@flag", ":")] if r is not None]
        if row["value"] == "" or gone:
            reason = gone[0]["note"] if gone else "Not available in Eurostat: no figure, never zero."
            excluded.append(Exclusion(raw_file, line, reason))
            continue
        bad = False
        for ch, r in flag_rules:
            if r is None or r["action"] == "review":
                problems.append(
                    f"{where}: Eurostat flag {ch!r} is unmapped (needs review) in mapping/eurostat_codes.csv"
                )
                bad = True
        fields: dict[str, set[str]] = {"indicator": set(), "unit": set(), "country": set()}
        parts, notes, exclude = [], [], None
        for dim in ["@dataset"] + dims:
            code = dataset if dim == "@dataset" else row[dim]
            r = _rule(rules, dataset, dim, code)
            if r is None or r["action"] == "review":
                problems.append(
                    f"{where}: Eurostat code {dim}={code!r} of {dataset} is unmapped (needs review) "
                    f"in mapping/eurostat_codes.csv"
                )
                bad = True
                continue
            if r["action"] == "exclude":
                exclude = exclude or f"{r['note'] or 'Excluded by mapping/eurostat_codes.csv'} ({dim}={code})"
                continue
            if r["action"] == "ignore":
                continue
            for name in fields:
                if r[name]:
                    fields[name].add(r[name])
            if r["breakdown"]:
                parts.append((r["breakdown"], r["category"]))
            if r["note"] and dim not in ("geo", "@dataset"):
                notes.append(r["note"])
        if bad:
            continue
        if exclude:
            excluded.append(Exclusion(raw_file, line, exclude))
            continue
        for name, found in fields.items():
            if len(found) != 1:
                problems.append(
                    f"{where}: the Eurostat codes of this row give {len(found)} {name} value(s) "
                    f"{sorted(found)} (exactly one is needed; see mapping/eurostat_codes.csv)"
                )
                bad = True
        if bad:
            continue
        composed = _compose(parts)
        if composed is None or composed[1] not in ref.allowed_categories(composed[0]):
            shown = ", ".join(f"{b}/{c}" for b, c in parts)
            excluded.append(
                Exclusion(raw_file, line, f"Eurostat breakdown {shown} has no category in codebook/categories.csv")
            )
            continue
        located = ", ".join(f"{d}={row[d]}" for d in dims if d != "geo")
        draft = Draft(
            country=fields["country"].pop(),
            period_start=int(row["time"]),
            period_end=int(row["time"]),
            period_label=row["time"],
            indicator=fields["indicator"].pop(),
            breakdown=composed[0],
            category=composed[1],
            unit=fields["unit"].pop(),
            value=float(row["value"]),
            value_low=None,
            value_high=None,
            suppressed=False,
            source_id=row["source_id"],
            source_location=f"Eurostat {dataset}: {located}, geo={row['geo']}, time={row['time']} (API snapshot {snapshot})",
            raw_file=raw_file,
            raw_row=int(line),
        )
        for _ch, r in flag_rules:
            assert r is not None  # an unmapped flag stopped the row above
            if r["flag"]:
                draft.flags.add(r["flag"])
            if r["flag"] == "preliminary":
                draft.status = "preliminary"
        draft.notes += [ref.notes.curated(n) for n in dict.fromkeys(notes)]
        drafts.append(draft)
    if problems:
        raise BuildError(problems)
    return drafts, excluded


def map_all(raw_dir: Path, ref: Reference) -> tuple[list[Draft], list[Exclusion], dict[str, int]]:
    drafts, excluded, counts, problems = [], [], {}, []
    files = [(raw_dir / name, RESEARCH_RAW, map_research) for name in RESEARCH_FILES]
    files += [(path, GLOTIP_RAW, map_glotip) for path in sorted(raw_dir.glob(GLOTIP_GLOB))]
    files += [(path, EUROSTAT_RAW, map_eurostat) for path in eurostat_snapshot_files(raw_dir)]
    for path, schema, mapper in files:
        name = path.relative_to(raw_dir).as_posix()
        try:
            frame = read_raw(path, schema)
            unknown = sorted(set(frame["source_id"]) - ref.source_ids)
            if unknown:
                lines = [str(i) for i, s in frame["source_id"].items() if s in unknown][:5]
                raise BuildError([f"{name} line(s) {', '.join(lines)}: source_id {unknown} not in sources.csv"])
            mapped, dropped = mapper(frame, name, ref)
        except BuildError as exc:
            problems += exc.problems
            continue
        drafts += mapped
        excluded += dropped
        counts[name] = len(frame)
    if problems:
        raise BuildError(problems)
    return drafts, excluded, counts
