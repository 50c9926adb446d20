"""Palette, unit wording and number formatting: defined once, used by every chart and page."""

from __future__ import annotations

import math

# Okabe-Ito (colour-blind safe). One colour per country on every chart.
COUNTRY_COLORS: dict[str, str] = {
    "EE": "#0072B2",  # blue
    "LV": "#D55E00",  # vermillion
    "LT": "#009E73",  # bluish green
    "EU27": "#7F7F7F",  # grey: context
    "EU28": "#B0B0B0",
}
BALTIC = ("EE", "LV", "LT")
COUNTRY_ORDER = ("EE", "LV", "LT", "EU27", "EU28")

# Categorical palette for categories within a breakdown (Okabe-Ito without the country colours first).
# (Okabe-Ito first, then Paul Tol's muted set; no pale yellow, which vanishes on white.)
CATEGORY_COLORS = ["#E69F00", "#56B4E9", "#CC79A7", "#999999", "#882255", "#44AA99", "#117733", "#DDCC77",
                   "#332288", "#AA4499", "#88CCEE", "#000000"]
# Justice chain stages: a sequential ramp (viridis), so the stages read as a progression.
STAGE_COLORS = ["#440154", "#414487", "#2A788E", "#22A884", "#7AD151", "#B8DE29"]  # viridis steps

SUPPRESSED_COLOR = "#444444"
NO_DATA_COLOR = "#888888"
BREAK_COLOR = "#000000"

FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"
CHART_WIDTH = 640
CHART_HEIGHT = 320

# Wording of the units the dataset uses (a unit is a code in the data, not a label in the codebook).
UNIT_LABELS: dict[str, str] = {
    "persons": "persons",
    "cases": "cases",
    "offences": "offences",
    "percent": "percent",
    "per_million": "per million inhabitants",
    "per_100k": "per 100,000 inhabitants",
    "tier": "tier (1 = best)",
    "index": "index, base year = 100",
}

MEASURE_LABELS = {"absolute": "Number", "per_million": "Per million"}


def unit_label(unit: str) -> str:
    return UNIT_LABELS.get(unit, unit)


def country_color(code: str) -> str:
    return COUNTRY_COLORS.get(code, "#555555")


def fmt_number(value: float | None, unit: str = "persons") -> str:
    """Human formatting: counts without decimals, rates with one, missing as an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit in ("per_million", "per_100k", "percent", "index"):
        s = f"{value:,.1f}"
        return s + (" %" if unit == "percent" else "")
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def fmt_value(value: float | None, suppressed: bool, unit: str = "persons",
              low: float | None = None, high: float | None = None) -> str:
    """A figure as readers should see it: '<5' for suppressed counts, never 0."""
    if suppressed:
        if unit in ("persons", "cases", "offences"):
            return "<5"
        if low is not None and high is not None and not (math.isnan(low) or math.isnan(high)):
            return f"{fmt_number(low, unit)}–{fmt_number(high, unit)} (<5 persons)"
        return "<5 persons"
    return fmt_number(value, unit)


def humanise(code: str) -> str:
    """Fallback label for a code when the codebook is missing: 'own_country' -> 'Own country'."""
    code = str(code)
    return code.replace("_", " ").capitalize() if code else code


# Map (choropleth and flows). Classes use a sequential ramp (ColorBrewer YlOrRd, 5 classes, light =
# low); a suppressed '<5' figure and a missing figure get their own fills and labels, never a class.
MAP_RAMP = ["#FFFFB2", "#FECC5C", "#FD8D3C", "#F03B20", "#BD0026"]
MAP_SUPPRESSED = "#CBC3E3"  # lavender, labelled '<5'
MAP_NO_DATA = "#BDBDBD"  # grey, labelled 'no data'
MAP_LAND = "#ECE9E2"  # neighbouring countries (context)
MAP_WATER = "#DFE8EF"  # also the background of static/blank-style.json
MAP_FLOW_IN = "#CC79A7"  # arcs: victims of foreign citizenship detected in the Baltic state
MAP_FLOW_OUT = "#332288"  # arcs: victims repatriated from another country


_MD_SPECIAL = "\\`*_{}[]()<>#+-.!|~$"


def md_escape(text: str) -> str:
    """Escape data text (notes, labels) before it goes into a Markdown element: no links, no markup."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))
