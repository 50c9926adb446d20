"""The palettes survive the common colour-vision deficiencies: every pair of colours that appear
together in one chart keeps a minimum CIEDE2000 distance with normal vision and under simulated
deuteranopia and protanopia (Machado et al. 2009, severity 1; tests/components/cvd.py), and lines and
marks keep 3:1 against the white background (WCAG 1.4.11) where they carry the data alone."""

from __future__ import annotations

import pytest

from components.core import style
from etl.countries import BALTIC
from tests.components.cvd import _lin, ciede2000, delta_e, hex_to_rgb, min_pair, simulate, to_lab

VISIONS = (None, "deuteranopia", "protanopia")

# (name, colours that appear together, minimum ΔE00)
GROUPS = [
    ("countries (Baltic)", [style.COUNTRY_COLORS[c] for c in BALTIC], 15),
    ("countries with the EU27 line", [style.COUNTRY_COLORS[c] for c in (*BALTIC, "EU27")], 15),
    ("categories of one breakdown (up to 10)", style.CATEGORY_COLORS[:10], 11),
    ("justice-chain stages", [c for c, _, _ in style.STAGE_STYLES.values()], 15),
]


def contrast_on_white(hex_color: str) -> float:
    r, g, b = (_lin(c) for c in hex_to_rgb(hex_color))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_ciede2000_matches_the_published_test_data():
    """Sharma, Wu & Dalal (2005), table 1: pairs 1, 7 and 17."""
    assert ciede2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50.0, 0.0, 0.0), (50.0, -1.0, 2.0)) == pytest.approx(2.3669, abs=1e-4)
    assert ciede2000((50.0, 2.5, 0.0), (73.0, 25.0, -18.0)) == pytest.approx(27.1492, abs=1e-4)


def test_simulation_merges_red_and_green_as_expected():
    """The simulation works: pure red and green, far apart normally, come close under deuteranopia."""
    assert delta_e("#FF0000", "#00FF00") > 80
    assert delta_e("#CC3300", "#669900", "deuteranopia") < delta_e("#CC3300", "#669900") / 3
    assert simulate("#808080", "protanopia") == pytest.approx(hex_to_rgb("#808080"), abs=0.01)  # greys stay
    assert to_lab((1.0, 1.0, 1.0)) == pytest.approx((100.0, 0.0, 0.0), abs=0.01)


def test_the_old_category_palette_would_fail():
    """The palette before this check: its 4th and 6th colours collapse under deuteranopia."""
    old = ["#E69F00", "#56B4E9", "#CC79A7", "#999999", "#882255", "#44AA99"]
    assert min_pair(old, "deuteranopia")[0] < 5


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
@pytest.mark.parametrize("name,colors,minimum", GROUPS, ids=[g[0] for g in GROUPS])
def test_colours_shown_together_stay_apart(name, colors, minimum, vision):
    d, a, b = min_pair(colors, vision)
    assert d >= minimum, f"{name}: {a} and {b} are {d:.1f} ΔE00 apart ({vision or 'normal vision'})"


@pytest.mark.parametrize(
    "name,colors",
    [
        ("countries", [style.COUNTRY_COLORS[c] for c in BALTIC]),
        ("stages", [c for c, _, _ in style.STAGE_STYLES.values()]),
        ("EU27", [style.COUNTRY_COLORS["EU27"]]),
    ],
)
def test_lines_keep_3_to_1_against_white(name, colors):
    low = [(c, round(contrast_on_white(c), 2)) for c in colors if contrast_on_white(c) < 3]
    assert low == []


@pytest.mark.parametrize(
    "color",
    [style.NO_DATA_COLOR, style.SUPPRESSED_COLOR, style.CHART_TEXT, style.CHART_SUBTEXT, style.MAP_CONTEXT_LABEL],
)
def test_chart_text_colours_keep_4_5_to_1(color):
    assert contrast_on_white(color) >= 4.5
    # map labels sit on the land and water fills
    for bg in (style.MAP_LAND, style.MAP_WATER):
        r, g, b = (_lin(c) for c in hex_to_rgb(bg))
        lbg = 0.2126 * r + 0.7152 * g + 0.0722 * b
        r, g, b = (_lin(c) for c in hex_to_rgb(color))
        lfg = 0.2126 * r + 0.7152 * g + 0.0722 * b
        assert (lbg + 0.05) / (lfg + 0.05) >= 4.5, (color, bg)
