"""The build: raw + mapping + codebook -> data/harmonised/thb_baltic.csv (sorted, deterministic)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl import checks, invariants, notes as row_notes
from etl.contradictions import flag_contradictions
from etl.errors import BuildError
from etl.mapping import Draft, Exclusion, eurostat_snapshot_files, map_all
from etl.paths import DataPaths
from etl.precedence import choose_preferred
from etl.rates import RateGap, add_rates
from etl.reference import Reference, load_reference
from etl.schema import harmonised_schema, validate

COLUMNS = [
    "country",
    "period_start",
    "period_end",
    "period_label",
    "indicator",
    "breakdown",
    "category",
    "unit",
    "value",
    "value_low",
    "value_high",
    "suppressed",
    "source_id",
    "grade",
    "source_location",
    "preferred",
    "flags",
    "note",
    "note_keys",
    "raw_file",
    "raw_row",
]
SORT = [
    "country",
    "indicator",
    "breakdown",
    "category",
    "unit",
    "period_start",
    "period_end",
    "source_id",
    "raw_file",
    "raw_row",
]


@dataclass
class BuildResult:
    table: pd.DataFrame
    excluded: list[Exclusion]
    raw_counts: dict[str, int]
    reference: Reference
    rate_gaps: list[RateGap]
    contradicting: list[Draft]


def harmonise(paths: DataPaths) -> BuildResult:
    ref = load_reference(paths)
    drafts, excluded, raw_counts = map_all(paths.raw, ref)
    check_codes(drafts, ref)
    checks.flag_sources(drafts, ref)
    checks.flag_series_breaks(drafts, ref)
    checks.flag_repeated_keys(drafts)
    checks.flag_breakdowns(drafts)
    preferred = choose_preferred(drafts, ref)
    gaps: list[RateGap] = []
    drafts += add_rates(drafts, preferred, ref, gaps)
    contradicting = flag_contradictions(drafts, preferred, ref)
    if ref.notes.problems():
        raise BuildError(ref.notes.problems())
    table = to_frame(drafts, preferred, ref)
    schema = harmonised_schema(
        list(ref.indicators["indicator"]), list(ref.units["unit"]), list(ref.flags["flag"]), list(ref.grades["grade"])
    )
    table = validate(
        schema, table, lambda i: f"harmonised row from {table.at[i, 'raw_file']} line {table.at[i, 'raw_row']}"
    )
    check_output(table, ref)
    return BuildResult(table, excluded, raw_counts, ref, gaps, contradicting)


def check_codes(drafts: list[Draft], ref: Reference) -> None:
    problems = []
    breakdowns = set(ref.categories["breakdown"])
    for d in drafts:
        if d.breakdown not in breakdowns:
            problems.append(
                f"{d.raw_file} line {d.raw_row}: breakdown {d.breakdown!r} is not in codebook/categories.csv"
            )
        elif d.category not in ref.allowed_categories(d.breakdown):
            problems.append(
                f"{d.raw_file} line {d.raw_row}: category {d.category!r} is not allowed for breakdown {d.breakdown!r}"
            )
    if problems:
        raise BuildError(problems)


def to_frame(drafts: list[Draft], preferred: dict[int, bool], ref: Reference) -> pd.DataFrame:
    # a rate's grade is its count's (its population is always an official statistic)
    sources = {r["source_id"]: r for r in ref.sources.to_dict("records")}
    notes = [list(dict.fromkeys(d.notes)) for d in drafts]
    records = [
        {
            "country": d.country,
            "period_start": d.period_start,
            "period_end": d.period_end,
            "period_label": d.period_label,
            "indicator": d.indicator,
            "breakdown": d.breakdown,
            "category": d.category,
            "unit": d.unit,
            "value": d.value,
            "value_low": d.value_low,
            "value_high": d.value_high,
            "suppressed": d.suppressed,
            "source_id": d.source_id,
            "grade": ref.grade_of(d.source_id.split(";")[0]),
            "source_location": d.source_location,
            "preferred": bool(preferred.get(id(d), False)),
            "flags": ";".join(sorted(d.flags)),
            "note": row_notes.english(n, sources, ref.note_catalogue),
            "note_keys": row_notes.to_json(n),
            "raw_file": d.raw_file,
            "raw_row": d.raw_row,
        }
        for d, n in zip(drafts, notes)
    ]
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    for column in ("value", "value_low", "value_high"):
        frame[column] = frame[column].astype(float)
    for column in ("period_start", "period_end", "raw_row"):
        frame[column] = frame[column].astype(int)
    for column in ("suppressed", "preferred"):
        frame[column] = frame[column].astype(bool)
    text = [c for c in COLUMNS if frame[c].dtype == object or str(frame[c].dtype).startswith("str")]
    frame[text] = frame[text].astype(str)
    return frame.sort_values(SORT, kind="stable").reset_index(drop=True)


def check_output(table: pd.DataFrame, ref: Reference) -> None:
    problems = []
    known = ref.source_ids
    for i, ids in table["source_id"].items():
        for sid in ids.split(";"):
            if sid not in known:
                problems.append(f"harmonised row {i}: source_id {sid!r} not in sources.csv")
    key = ["country", "period_start", "period_end", "indicator", "breakdown", "category", "unit"]
    many = table[table["preferred"]].groupby(key).size()
    for k in many[many > 1].index:
        problems.append(f"figure {k}: more than one preferred value")
    problems += invariants.violations(table, ref)
    if problems:
        raise BuildError(problems)


def _fmt(value: float) -> str:
    if pd.isna(value):
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def to_csv_text(table: pd.DataFrame) -> str:
    out = table.copy()
    for column in ("value", "value_low", "value_high"):
        out[column] = out[column].map(_fmt)
    return out.to_csv(index=False, lineterminator="\n")


def build_meta(csv_text: str, result: BuildResult, paths: DataPaths) -> dict:
    sources_used = sorted({s for ids in result.table["source_id"] for s in ids.split(";")})
    inputs = {}
    for path in (
        sorted(paths.raw.glob("*.csv"))
        + eurostat_snapshot_files(paths.raw)
        + [paths.sources]
        + sorted(paths.mapping.glob("*.csv"))
        + sorted(paths.codebook.glob("*.csv"))
        + [p for p in [paths.root / row_notes.CATALOGUE] if p.exists()]
    ):
        inputs[str(path.relative_to(paths.root))] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    accessed = result.reference.sources.set_index("source_id").loc[sources_used, "date_accessed"]
    families = result.reference.sources.set_index("source_id").loc[sources_used, "family"]
    return {
        "dataset_version": hashlib.sha256(csv_text.encode()).hexdigest()[:12],
        "data_as_of": max(accessed),
        "n_rows": int(len(result.table)),
        "n_preferred": int(result.table["preferred"].sum()),
        "countries": sorted(result.table["country"].unique().tolist()),
        "years": [int(result.table["period_start"].min()), int(result.table["period_end"].max())],
        "sources_included": sources_used,
        # True when the table holds figures from a Eurostat crim_thb API snapshot (`python -m etl refresh eurostat`)
        "eurostat_included": any(families[s] == "eurostat" and s.startswith("ESTAT_CRIM_THB_") for s in sources_used),
        "raw_rows": result.raw_counts,
        "raw_rows_excluded": len(result.excluded),
        "inputs_sha256": inputs,
    }


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(tmp, path)


def build(paths: DataPaths) -> BuildResult:
    """Validate everything first; write both outputs only when all checks pass."""
    result = harmonise(paths)
    csv_text = to_csv_text(result.table)
    meta = build_meta(csv_text, result, paths)
    _atomic_write(paths.output, csv_text)
    _atomic_write(paths.meta, json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return result
