"""How this project runs Altair: two settings that cut about 40 % of a chart's build, with the same spec. `setup()` is called once, by components/draw/charts.py (every builder draws through it).

- Altair checks every object it makes against the Vega-Lite schema ("debug mode", on by default): about a
  fifth of a chart's build, paid again for each image a news spike asks for. The specs are made by this code,
  not typed by users, and the tests keep the check on (THB_ALTAIR_DEBUG=1, tests/conftest.py), so the app, the
  API and the command-line files skip it.
- A chart's DataFrame becomes its rows through Altair's data transformer, whose `sanitize_pandas_dataframe`
  copies the frame and converts it column by column with pandas: about 6 ms for a frame of 5 rows, six frames
  to a chart, a quarter of its build. `rows()` gives the same rows from plain lists for the column types the
  charts use (text, numbers, booleans) and hands any other frame to Altair's own conversion.
"""

from __future__ import annotations

import math
import os

import altair as alt
import pandas as pd
from altair.utils import schemapi
from altair.vegalite.data import default_data_transformer

TRANSFORMER = "thb_rows"
_PLAIN = {"int64", "int32", "bool"}  # values as they are
_FLOAT = {"float64", "float32"}  # a missing value or an infinity is None, as Altair writes it
_TEXT = {"str", "string", "object"}  # a missing value (None, NaN, pd.NA) is None; scalars only


def _text_value(v: object) -> tuple[bool, object]:
    """(ok, the value as Altair writes it) for a value of a text or object column."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return True, None
    return isinstance(v, (str, bool, int, float)), v


def rows(df: pd.DataFrame) -> list[dict] | None:
    """The frame's rows as Altair's default transformer writes them, or None when a column is of a type this
    fast path leaves to Altair (dates, categories, nullable integers, lists …) or the columns are unusual."""
    if not all(isinstance(c, str) for c in df.columns) or df.columns.has_duplicates:
        return None
    names, columns = [], []
    for name, dtype in df.dtypes.items():
        kind, values = str(dtype), df[name].tolist()
        if kind in _FLOAT:
            values = [None if math.isnan(v) or math.isinf(v) else v for v in values]
        elif kind in _TEXT:
            checked = [_text_value(v) for v in values]
            if not all(ok for ok, _ in checked):
                return None
            values = [v for _, v in checked]
        elif kind not in _PLAIN:
            return None
        names.append(name)
        columns.append(values)
    return [dict(zip(names, row)) for row in zip(*columns)] if names else None


def _transform(data, max_rows: int = 5000):
    """Altair's default data transformer (its row limit included), with `rows()` for the frames it takes."""
    if isinstance(data, pd.DataFrame) and len(data) <= max_rows and not isinstance(data.index, pd.MultiIndex):
        records = rows(data)
        if records is not None:
            return {"values": records}
    return default_data_transformer(data, max_rows=max_rows)


def setup() -> None:
    if os.environ.get("THB_ALTAIR_DEBUG") != "1":
        schemapi.disable_debug_mode()
    if TRANSFORMER not in alt.data_transformers.names():
        alt.data_transformers.register(TRANSFORMER, _transform)
    alt.data_transformers.enable(TRANSFORMER)
