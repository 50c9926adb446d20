"""Pandera schemas: raw transcriptions (input) and the harmonised table (output).

Failures are turned into BuildError lines that name the file and the CSV line.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

from etl.countries import BALTIC, COUNTRY_ORDER
from etl.errors import BuildError
from etl.periods import YEAR_MAX, YEAR_MIN

_NUMBER = r"\d+(\.\d+)?"

RESEARCH_RAW = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(list(COUNTRY_ORDER))),
        "period_label": pa.Column(str, pa.Check.str_length(min_value=4)),
        "period_start": pa.Column(str, pa.Check.str_matches(r"^(19|20)\d\d$")),
        "period_end": pa.Column(str, pa.Check.str_matches(r"^(19|20)\d\d$")),
        "src_indicator": pa.Column(str, pa.Check.str_length(min_value=1)),
        "src_dimension": pa.Column(str, pa.Check.str_length(min_value=1)),
        "src_category": pa.Column(str, pa.Check.str_length(min_value=1)),
        "value": pa.Column(str, pa.Check.str_matches(rf"^{_NUMBER}$"), description="as printed, digits only"),
        "unit": pa.Column(str, pa.Check.str_length(min_value=1)),
        "status": pa.Column(str, pa.Check.isin(["", "preliminary", "refined"])),
        "source_id": pa.Column(str, pa.Check.str_length(min_value=1)),
        "location": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    strict=False,
)

GLOTIP_RAW = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(list(BALTIC))),
        "year": pa.Column(str, pa.Check.str_matches(r"^(19|20)\d\d$")),
        "src_indicator": pa.Column(str, pa.Check.str_length(min_value=1)),
        "src_dimension": pa.Column(str, pa.Check.str_length(min_value=1)),
        "src_category": pa.Column(str, pa.Check.str_length(min_value=1)),
        "src_sex": pa.Column(str, pa.Check.str_length(min_value=1)),
        "src_age": pa.Column(str, pa.Check.str_length(min_value=1)),
        "value": pa.Column(str, pa.Check.str_matches(r"^(\d+|<5)$"), description="a count or '<5'"),
        "unit": pa.Column(str),
        "source_id": pa.Column(str, pa.Check.str_length(min_value=1)),
        "location": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    strict=False,
)


# A dated Eurostat snapshot (data/raw/eurostat/<YYYY-MM-DD>/<dataset>.csv, written by
# `python -m etl refresh eurostat`): one observation a row; every other column is a Eurostat dimension
# (lower-case id, e.g. the code list of `geo`), value empty when Eurostat prints ':'.
EUROSTAT_RESERVED = ["dataset", "source_id", "geo", "time", "value", "flag"]
EUROSTAT_RAW = pa.DataFrameSchema(
    {
        "dataset": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
        "source_id": pa.Column(str, pa.Check.str_length(min_value=1)),
        "geo": pa.Column(str, pa.Check.str_length(min_value=1)),
        "time": pa.Column(str, pa.Check.str_matches(r"^(19|20)\d\d$"), description="annual data only"),
        "value": pa.Column(str, pa.Check.str_matches(rf"^({_NUMBER})?$"), description="as returned; empty = missing"),
        "flag": pa.Column(
            str, description="Eurostat flag(s) as returned by the eurostat package, e.g. '', ':', ': c', 'p'"
        ),
    },
    strict=False,
)


def harmonised_schema(
    indicators: list[str], units: list[str], flags: list[str], grades: list[str] | None = None
) -> pa.DataFrameSchema:
    def flags_known(series: pd.Series) -> pd.Series:
        return series.map(lambda text: all(f in flags for f in text.split(";") if f))

    return pa.DataFrameSchema(
        {
            "country": pa.Column(str, pa.Check.isin(list(COUNTRY_ORDER))),
            "period_start": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX)),
            "period_end": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX)),
            "period_label": pa.Column(str),
            "indicator": pa.Column(str, pa.Check.isin(indicators)),
            "breakdown": pa.Column(str, pa.Check.str_length(min_value=1)),
            "category": pa.Column(str, pa.Check.str_length(min_value=1)),
            "unit": pa.Column(str, pa.Check.isin(units)),
            "value": pa.Column(float, pa.Check.ge(0), nullable=True),
            "value_low": pa.Column(float, pa.Check.ge(0), nullable=True),
            "value_high": pa.Column(float, pa.Check.ge(0), nullable=True),
            "suppressed": pa.Column(bool),
            "source_id": pa.Column(str, pa.Check.str_length(min_value=1)),
            "grade": pa.Column(
                str,
                pa.Check.isin(grades) if grades else pa.Check.str_length(min_value=1),
                description="evidence grade of the (first) source, codebook/grades.csv",
            ),
            "source_location": pa.Column(str, pa.Check.str_length(min_value=1)),
            "preferred": pa.Column(bool),
            "flags": pa.Column(str, pa.Check(flags_known, error="unknown flag")),
            "note": pa.Column(str),
            "note_keys": pa.Column(str),
            "raw_file": pa.Column(str, pa.Check.str_length(min_value=1)),
            "raw_row": pa.Column(int, pa.Check.ge(2)),
        },
        checks=[
            pa.Check(lambda df: df["period_end"] >= df["period_start"], error="period ends before it starts"),
            pa.Check(
                lambda df: df["value"].notna() | df["suppressed"], error="value missing on a row that is not suppressed"
            ),
        ],
        strict=True,
        ordered=True,
    )


def validate(schema: pa.DataFrameSchema, frame: pd.DataFrame, where: Callable[[object], str]) -> pd.DataFrame:
    """Validate lazily; `where(index)` names the file and row of a failing index."""
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for case in exc.failure_cases.to_dict("records"):
            index = case.get("index")
            column = case.get("column") or "row"
            place = where(index) if index is not None and not pd.isna(index) else "table"
            problems.append(
                f"{place}: column {column!r} fails {case.get('check')} (value {case.get('failure_case')!r})"
            )
        raise BuildError(problems) from None
