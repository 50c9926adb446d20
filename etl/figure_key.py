"""The figure key: what identifies one figure (a number for one country, period, indicator, breakdown
category and unit), and its URL-safe text form "EE~2022~2022~victims~total~total~persons".

One definition for the build (etl: conflicts, precedence, the report) and the app (the Check page's
links, the Data page, the share links, the HTTP API). Pure: pandas only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

KEY = ["country", "period_start", "period_end", "indicator", "breakdown", "category", "unit"]
SEP = "~"


PERIODS = ("period_start", "period_end")


def _text(key: str, value: Any) -> str:
    """A key part as text; a period always a whole year ('2022', never '2022.0' from a float column)."""
    if key in PERIODS:
        try:
            return str(int(float(value)))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def figure_key(row: Mapping[str, Any]) -> str:
    """URL-safe id of a figure: EE~2022~2022~victims~total~total~persons."""
    return SEP.join(_text(k, row[k]) for k in KEY)


def figure_keys(df: pd.DataFrame) -> pd.Series:
    """`figure_key` of every row of a frame (vectorised), aligned on its index."""
    if df.empty:
        return pd.Series([], index=df.index, dtype=object)
    out = df[KEY[0]].astype(str)
    for k in KEY[1:]:
        part = df[k].map(lambda v, k=k: _text(k, v)) if k in PERIODS else df[k].astype(str)
        out = out + SEP + part
    return out.rename("figure")


def parse_figure_key(s: str) -> dict[str, Any] | None:
    """The key's fields (periods as int) from its text form; None when it does not parse."""
    parts = str(s).split(SEP)
    if len(parts) != len(KEY):
        return None
    d: dict[str, Any] = dict(zip(KEY, parts))
    try:
        d["period_start"], d["period_end"] = int(d["period_start"]), int(d["period_end"])
    except ValueError:
        return None
    return d
