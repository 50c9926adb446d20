"""The exported chart's title block, set as SVG text above the chart Vega draws (components/draw/title_block)."""

from __future__ import annotations

import re

from components.draw import files as ex, title_block as tb

CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="300" height="200" viewBox="0 0 300 200">'
    '<rect width="300" height="200" fill="#ffffff"/><g id="plot"/></svg>'
)
TITLE = {
    "text": "Victims <5 & more",
    "subtitle": ["persons", "Source: SYNTHETIC publisher, a line that is much wider than the chart it sits over"],
    "anchor": "start",
    "fontSize": 16,
    "subtitleFontSize": 12,
    "offset": 10,
    "font": ex.FONT,
}


def test_a_start_anchored_title_is_taken_out_and_others_are_left_to_vega():
    chart, block = tb.drawn_apart({"title": TITLE, "mark": "bar", "config": {"title": {"subtitleColor": "#444444"}}})
    assert "title" not in chart and chart["mark"] == "bar"
    assert block["subtitleColor"] == "#444444" and block["fontWeight"] == "bold"  # the config's, then Vega's
    for spec in ({"title": "plain"}, {"title": {**TITLE, "anchor": "middle"}}, {"mark": "bar"}):
        assert tb.drawn_apart(spec) == (spec, None)


def test_the_block_sits_above_the_chart_and_the_file_fits_its_widest_line():
    _, block = tb.drawn_apart({"title": TITLE})
    svg = tb.compose(CHART, block, ex.FONT_DIR, ex.FONT_FACES)
    w, h = ex.svg_size(svg)
    lines = re.findall(r'<text\b[^>]*y="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    assert [t for _, t in lines] == ["Victims &lt;5 &amp; more", "persons", TITLE["subtitle"][1]]  # escaped
    ys = [float(y) for y, _ in lines]
    assert ys == sorted(ys) and ys[0] == 5 + 13 and ys[1] == 5 + 16 + 3 + 10 and ys[2] - ys[1] == 14  # Vega's
    shift = float(re.search(r'<g transform="translate\(0,([\d.]+)\)"><rect', svg).group(1))
    assert shift == 16 + 3 + 2 * 14 + 10 and h == shift + 200  # the chart under the block, whole
    widest = tb.text_width(TITLE["subtitle"][1], 12, "normal", ex.FONT_DIR, ex.FONT_FACES)
    assert w == round(max(300, widest + 10), 2) and w > 300  # widened for the long source line
    assert "<title>Victims &lt;5 &amp; more</title>" in svg and "<desc>persons Source:" in svg


def test_a_title_block_costs_no_vega_text_measuring(ds):
    """The exported SVG's title and lines are ours (no Vega title marks), and still in the app's font."""
    spec = ex.figure_spec(
        type("F", (), {"spec": {"mark": "bar", "data": {"values": [{"x": 1}]}, "title": TITLE}})(), "Data as of X"
    )
    svg = ex.render_svg(spec).decode()
    assert "role-title" not in svg and 'class="title-block"' in svg
    assert "Data as of X" in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
    assert "@font-face" in svg
