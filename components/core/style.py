"""Palette, unit wording and number formatting: defined once, used by every chart and page."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from components.core import i18n
from etl.rounding import round_half_up  # noqa: F401  (one rounding rule for the build and the app)

# Okabe-Ito (colour-blind safe). One colour per country on every chart.
COUNTRY_COLORS: dict[str, str] = {
    "EE": "#0072B2",  # blue
    "LV": "#D55E00",  # vermillion
    "LT": "#009E73",  # bluish green
    "EU27": "#555555",  # dark grey: context (#7F7F7F was within 8 ΔE00 of Lithuania under deuteranopia)
    "EU28": "#B0B0B0",
}
# One marker shape per country on line charts, so that lines differ by more than colour (WCAG 1.4.1).
# (Not the diamond, which marks '<5', nor the downward triangle, which marks a series break.)
COUNTRY_SHAPES: dict[str, str] = {"EE": "circle", "LV": "square", "LT": "triangle-up", "EU27": "cross", "EU28": "cross"}

# Categorical palette for categories within a breakdown: Okabe-Ito without the country colours first,
# then Paul Tol's and IBM's colour-blind-safe sets, chosen so that every pair of the first 10 stays at
# least 11 CIEDE2000 apart for normal vision, deuteranopia and protanopia (simulated: Machado et al.
# 2009; tests/components/test_palette.py). No pale yellow, which vanishes on white.
CATEGORY_COLORS = [
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
    "#332288",
    "#994455",
    "#CC3311",
    "#785EF0",
    "#EE6677",
    "#AA4499",
    "#BBBBBB",
]
# Justice chain stages (victims → … → convicted): each stage its own colour, point shape and line dash,
# so no two stages differ by colour alone (WCAG 1.4.1). Every pair of colours at least 15 CIEDE2000
# apart with normal vision, deuteranopia and protanopia, and every colour at least 3:1 against white
# (WCAG 1.4.11); a search over Okabe-Ito, Tol and IBM colours (without the countries' own) found no set
# of six further apart. The two ends of the question "how many victims end in a conviction" are the
# most unlike: victims dark purple, solid; convicted ochre, solid; the steps between are dashed.
# (No diamond, which marks '<5', and no downward triangle, which marks a series break.)
STAGE_STYLES: dict[str, tuple[str, str, list[int]]] = {  # stage (indicator code): (colour, shape, dash)
    "victims": ("#440154", "circle", []),
    "suspects": ("#785EF0", "triangle-up", [6, 3]),
    "investigations": ("#7F3B08", "triangle-right", [2, 2]),
    "cases_to_court": ("#CC6677", "triangle-left", [8, 3, 2, 3]),
    "prosecuted": ("#AA3377", "cross", [4, 2]),
    "convicted": ("#997700", "square", []),
}
STAGE_EMPHASIS = ("victims", "convicted")  # drawn thicker: the conversion line compares these two

SUPPRESSED_COLOR = "#444444"
NO_DATA_COLOR = "#5E5E5E"  # 'no data' text: 6.5:1 on white (was #888888, 3.5:1: below WCAG's 4.5:1)
CHART_TEXT = "#333333"  # axis, legend and header text: 12.6:1 on white
CHART_SUBTEXT = "#444444"  # subtitles (unit, sources): 9.7:1

FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"
CHART_WIDTH = 640
CHART_HEIGHT = 320

MEASURE_LABELS = {"absolute": "Number", "per_million": "Per million"}


def country_color(code: str) -> str:
    return COUNTRY_COLORS.get(code, "#555555")


def country_shape(code: str) -> str:
    return COUNTRY_SHAPES.get(code, "circle")


def stage_style(code: str) -> tuple[str, str, list[int]]:
    """(colour, point shape, stroke dash) of a justice-chain stage."""
    return STAGE_STYLES.get(code, ("#555555", "circle", []))


RATE_UNITS = ("per_million", "per_100k")
COUNT_UNITS = ("persons", "cases", "offences")


def fmt_ratio(value: float) -> str:
    """A 'per 100' figure as a sentence shows it: whole numbers from 10, one decimal below."""
    return _number(value, 0 if abs(float(round_half_up(value, 1))) >= 10 else 1)


def fmt_number(value: float | None, unit: str = "persons") -> str:
    """Human formatting: counts without decimals, rates with one, missing as an em dash. The one function
    every page, chart label, key fact and export text uses (rounded half up: `round_half_up`)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit in ("per_million", "per_100k", "percent", "index"):
        s = _number(value, 1)
        return s + (" %" if unit == "percent" else "")
    if float(value).is_integer():
        return _number(int(value), 0)
    return _number(value, 1)


def _number(value: float, decimals: int) -> str:
    """In the language of this run (CLDR): '1,908,000' and '25.2' in English, '1 908 000' and '25,2' in et/lv/lt/ru."""
    rounded = round_half_up(value, decimals)
    if rounded.is_nan():
        return "—"
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.0"
    t = i18n.current()
    if t.lang == i18n.DEFAULT:  # the common case, without Babel
        return f"{rounded:,.{decimals}f}"
    return t.number(rounded, decimals)


def withheld_text(unit: str, low: float | None = None, high: float | None = None) -> str:
    """A withheld count (1 to 4 persons) in the unit of the view: '<5' for a count; for a rate, its range in
    that rate ('0.5–2.1'): never '<5' on a per-million axis (1–4 persons are not fewer than 5 per million)."""
    if (
        unit in RATE_UNITS
        and low is not None
        and high is not None
        and not (math.isnan(float(low)) or math.isnan(float(high)))
    ):
        return f"{fmt_number(low, unit)}–{fmt_number(high, unit)}"
    return "<5"


def fmt_value(
    value: float | None, suppressed: bool, unit: str = "persons", low: float | None = None, high: float | None = None
) -> str:
    """A figure as readers should see it: '<5' for a withheld count, never 0; a withheld count in a rate as
    its range ('0.8–3.0 (fewer than 5 persons)')."""
    if suppressed:
        if unit in RATE_UNITS:
            shown = withheld_text(unit, low, high)
            few = i18n._("fewer than 5 persons")
            return f"{shown} ({few})" if shown != "<5" else few
        return "<5"
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
MAP_CONTEXT_LABEL = "#555555"  # neighbours' names: 6.0:1 on the land and water fills (was #787878, 3.6:1)
MAP_FLOW_IN = "#CC79A7"  # arcs: victims of foreign citizenship detected in the Baltic state
MAP_FLOW_OUT = "#332288"  # arcs: victims repatriated from another country


_MD_SPECIAL = "\\`*_{}[]()<>#+-.!|~$"
# GitHub-flavoured Markdown (Streamlit's) turns bare "www.…", "http(s)://…" and "name@host.tld" into links
# after the escapes are read, so escaping characters cannot stop it: an invisible WORD JOINER (U+2060) inside
# each pattern does ("www⁠.", "https:⁠//", "name⁠@"), and the text still reads and copies the same.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\.)|(?<=:)(?=//)|(?=@)")


def md_escape(text: str) -> str:
    """Escape data text (notes, labels, titles from links and uploads) before it goes into a Markdown element:
    no markup, no links (neither [x](y) nor autolinked addresses)."""
    text = _AUTOLINK.sub(WORD_JOINER, str(text))
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


_LIST_START = re.compile(r"^(\s*)(\d{1,9})([.)])(\s)")


def md_line_start(text: str) -> str:
    """Escape a line's leading '2022.' or '1)': Markdown would start a numbered list there ('2022. gads, …'
    in Latvian became item 2022 of a list)."""
    return _LIST_START.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}{m.group(4)}", str(text))


def year_runs(years: Iterable[int]) -> list[list[int]]:
    """[2015, 2017, 2018, 2019] -> [[2015], [2017, 2018, 2019]]: sorted runs of consecutive years."""
    runs: list[list[int]] = []
    for y in sorted(set(int(y) for y in years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return runs
