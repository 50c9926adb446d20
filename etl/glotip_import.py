"""Import a dataUNODC "Trafficking in persons" export (data_glotip.xlsx or its CSV) for EE, LV, LT.

One command (`python -m etl import-glotip FILE`) turns a new UNODC release into a raw transcription
`data/raw/unodc_glotip_<release>.csv` and an origin record in `data/sources.csv`; the next build
prefers the newest release. UNODC's wording and its `<5` strings are kept as printed.

Export layout (dataUNODC bulk file): row 1 `UNODC` + contact, row 2 the extraction date (dd/mm/yyyy),
row 3 the header `Iso3_code, Country, Region, Subregion, Indicator, Dimension, Category, Sex, Age,
Year, Unit of measurement, txtVALUE, Source`, data from row 4. A CSV copy keeps the same rows.
A research extract that already carries a `sheet_row` column (the xlsx row) is accepted too.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from etl.paths import DataPaths
from etl.reference import SOURCE_COLUMNS

BALTIC_ISO3 = {"EST": "EE", "LVA": "LV", "LTU": "LT"}
EXPORT_COLUMNS = [
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
]
RAW_COLUMNS = [
    "country",
    "year",
    "src_indicator",
    "src_dimension",
    "src_category",
    "src_sex",
    "src_age",
    "value",
    "unit",
    "source_id",
    "location",
]
_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


class GlotipFormatError(ValueError):
    """The file is not a dataUNODC GLOTIP export."""


def _read_grid(path: Path) -> list[list[str]]:
    """All cells as text, row by row (row index 0 = sheet row 1)."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook  # only needed for this command

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    text = path.read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text))]


def read_export(path: Path) -> tuple[pd.DataFrame, str | None]:
    """Return (rows with a `sheet_row` column, extraction date ISO or None)."""
    grid = _read_grid(path)
    header_at = next((i for i, row in enumerate(grid[:10]) if "Iso3_code" in [c.strip() for c in row]), None)
    if header_at is None:
        raise GlotipFormatError(
            f"{path.name}: no header row with 'Iso3_code' in the first 10 rows; is this a dataUNODC data_glotip export?"
        )
    header = [h.strip() for h in grid[header_at]]
    missing = [c for c in EXPORT_COLUMNS if c not in header]
    if missing:
        raise GlotipFormatError(f"{path.name}: header lacks columns {missing}")
    extracted = None
    for row in grid[:header_at]:
        for cell in row:
            match = _DATE.match(cell or "")
            if match:
                day, month, year = map(int, match.groups())
                extracted = datetime(year, month, day).date().isoformat()
    records = []
    for offset, row in enumerate(grid[header_at + 1 :], start=header_at + 2):
        if not any(cell.strip() for cell in row):
            continue
        rec = dict(zip(header, [cell.strip() for cell in row]))
        rec.setdefault("sheet_row", str(offset))
        if not rec.get("sheet_row"):
            rec["sheet_row"] = str(offset)
        records.append(rec)
    return pd.DataFrame(records, dtype=str), extracted


def transcribe(frame: pd.DataFrame, source_id: str, file_label: str) -> pd.DataFrame:
    """Baltic rows of an export -> the project's raw columns (wording kept, value as printed)."""
    baltic = frame[frame["Iso3_code"].isin(BALTIC_ISO3)].copy()
    if baltic.empty:
        raise GlotipFormatError("the export has no rows for EST, LVA or LTU")
    bad_values = baltic[~baltic["txtVALUE"].str.fullmatch(r"\d+|<5")]
    if not bad_values.empty:
        row = bad_values.iloc[0]
        raise GlotipFormatError(
            f"sheet row {row['sheet_row']}: txtVALUE {row['txtVALUE']!r} is neither a count nor '<5'"
        )
    bad_years = baltic[~baltic["Year"].str.fullmatch(r"(19|20)\d\d")]
    if not bad_years.empty:
        row = bad_years.iloc[0]
        raise GlotipFormatError(f"sheet row {row['sheet_row']}: Year {row['Year']!r} is not a year")
    out = pd.DataFrame(
        {
            "country": baltic["Iso3_code"].map(BALTIC_ISO3),
            "year": baltic["Year"].astype(int),
            "src_indicator": baltic["Indicator"],
            "src_dimension": baltic["Dimension"],
            "src_category": baltic["Category"],
            "src_sex": baltic["Sex"],
            "src_age": baltic["Age"],
            "value": baltic["txtVALUE"],
            "unit": baltic["Unit of measurement"],
            "source_id": source_id,
            "location": file_label + ", row " + baltic["sheet_row"].astype(str),
            "_sheet_row": baltic["sheet_row"].astype(int),
        }
    )
    # Keep UNODC's own row order (repeated keys stay distinguishable by their sheet row).
    return out.sort_values("_sheet_row", kind="stable").drop(columns="_sheet_row")[RAW_COLUMNS]


def source_record(source_id: str, extracted: str | None, file_name: str) -> dict:
    when = extracted or "date not stated"
    return {
        "source_id": source_id,
        "family": "unodc",
        "grade": "official_statistics",
        "grade_reason": "UNODC's statistical collection: national authorities' answers to one questionnaire (dataUNODC export).",
        "reports_on": "",
        "publisher": "United Nations Office on Drugs and Crime (UNODC), dataUNODC",
        "title": (
            "Trafficking in persons: detected victims, persons brought into formal contact, prosecuted "
            f"and convicted (dataUNODC bulk export {file_name}, extracted {when})"
        ),
        "url": "https://dataunodc.un.org/dp-trafficking-persons",
        "date_published": (extracted or "")[:4],
        "date_accessed": datetime.now().date().isoformat(),
        "licence": "UN/UNODC terms of use; the export states no licence. Facts reused with attribution.",
        "citation": (
            f"United Nations Office on Drugs and Crime (UNODC), dataUNODC ({(extracted or 'n.d.')[:4] or 'n.d.'}). "
            f"Trafficking in persons data ({file_name}"
            + (f", extracted {extracted})" if extracted else ")")
            + ". https://dataunodc.un.org/dp-trafficking-persons"
        ),
        "copy_url": "",
        "copy_kind": "",
        "copy_note": "",
        "notes": "Imported with `python -m etl import-glotip`. Values <5 are suppressed counts of 1-4.",
    }


def import_glotip(
    path: Path, paths: DataPaths, source_id: str | None = None, file_label: str | None = None
) -> tuple[Path, int, str]:
    """Write data/raw/unodc_glotip_<release>.csv and register the source. Returns (file, rows, source_id)."""
    frame, extracted = read_export(path)
    if source_id is None:
        if extracted is None:
            raise GlotipFormatError(f"{path.name}: no extraction date in the title rows; pass --source-id")
        source_id = f"UNODC_GLOTIP_{extracted[:4]}"
    if not re.fullmatch(r"[A-Z0-9_]+", source_id):
        raise GlotipFormatError(f"source id {source_id!r} must be upper-case letters, digits and _")
    # CSV copies keep the xlsx row numbering (title rows included), so one label fits both.
    label = file_label or "sheet data_glotip_1"
    raw = transcribe(frame, source_id, label)
    suffix = source_id.removeprefix("UNODC_GLOTIP_").lower()
    target = paths.raw / f"unodc_glotip_{suffix}.csv"
    paths.raw.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".csv.tmp")
    raw.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(target)

    sources = pd.read_csv(paths.sources, dtype=str, keep_default_na=False)
    if source_id not in set(sources["source_id"]):
        record = source_record(source_id, extracted, path.name)
        sources = pd.concat([sources, pd.DataFrame([record])], ignore_index=True).fillna("")
        sources = sources[list(dict.fromkeys(SOURCE_COLUMNS + list(sources.columns)))].sort_values("source_id")
        sources.to_csv(paths.sources, index=False, lineterminator="\n")
    return target, len(raw), source_id
