"""A chart file's title block (its title, then its subtitle lines: unit, sources, notes, the footer) set as SVG
text here, above the chart Vega draws without it (pure: no Streamlit).

Why not Vega: vl-convert measures every text while it lays a chart out, at about 0.2 ms a character, and an
exported chart's title block is 1,000-3,000 characters of sources and notes. Drawn by Vega, the block took
0.3-0.6 s of a 0.5-0.9 s drawing (a chart image by URL, a download button, a news spike of distinct charts);
set here, it costs about a millisecond. The lines are already wrapped to the chart's width (files.wrap_lines),
so nothing here measures to lay out; the file's width still grows to fit its widest line, measured with the
shipped font's own advance widths.

The look is Vega's own title block (anchor "start", as the charts' titles are): the same sizes, colours,
padding (5 px), subtitle padding (3 px), line height (size + 2 px) and offset to the chart.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

PADDING = 5  # Vega's default padding around a chart
SUBTITLE_PADDING = 3  # Vega's default space between a title and its subtitle
DEFAULTS = {  # Vega's title defaults where a chart's title sets nothing
    "fontSize": 13,
    "fontWeight": "bold",
    "color": "#000",
    "subtitleFontSize": 12,
    "subtitleFontWeight": "normal",
    "subtitleColor": "#000",
    "offset": 4,
}
ASCENT = 0.8  # a text's baseline under its top, in em (Vega's "top" baseline)

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_NUMBER = re.compile(r'\b(width|height)="([\d.]+)"')


def drawn_apart(spec: dict) -> tuple[dict, dict | None]:
    """(the spec Vega draws, the title block set here): a top-level title with anchor "start" and wrapped
    subtitle lines (what files.figure_spec writes) is taken out; any other spec is left to Vega whole."""
    title = spec.get("title")
    if (
        not isinstance(title, dict)
        or title.get("anchor") != "start"
        or title.get("orient", "top") != "top"
        or not isinstance(title.get("text", ""), str)
        or not isinstance(title.get("subtitle", []), list | str)
    ):
        return spec, None
    chart = {k: v for k, v in spec.items() if k != "title"}
    block = {**DEFAULTS, **((spec.get("config") or {}).get("title") or {}), **title}
    return chart, {**block, "background": spec.get("background", "#ffffff")}


def _lines(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(x) for x in value]


def compose(chart_svg: str, title: dict, font_dir: Path | None = None, faces: dict | None = None) -> str:
    """`chart_svg` (a whole SVG as vl-convert writes it) under the title block `title` (a Vega title's
    properties), as one SVG: the chart moved down by the block's height, the file widened to its widest line."""
    head = _SVG_OPEN.search(chart_svg)
    if head is None:
        return chart_svg
    size = dict(_NUMBER.findall(head.group(0)))
    chart_w, chart_h = float(size.get("width", 0)), float(size.get("height", 0))
    body = chart_svg[head.end() : chart_svg.rindex("</svg>")]

    texts: list[str] = []
    y = float(PADDING)
    widest = 0.0
    text = _lines(title.get("text"))
    text = [t for t in text if t.strip()]
    family = html.escape(str(title.get("font", "sans-serif")))
    if text:
        fs, weight = float(title["fontSize"]), str(title["fontWeight"])
        for i, line in enumerate(text):
            base = y + round(ASCENT * fs) + i * (fs + 2)
            texts.append(_text(line, PADDING, base, family, fs, weight, str(title["color"])))
            widest = max(widest, text_width(line, fs, weight, font_dir, faces))
        y += fs + (len(text) - 1) * (fs + 2)
    sub = [s for s in _lines(title.get("subtitle")) if s.strip()]
    if sub:
        sfs, sweight = float(title["subtitleFontSize"]), str(title["subtitleFontWeight"])
        sfamily = html.escape(str(title.get("subtitleFont", title.get("font", "sans-serif"))))
        y += SUBTITLE_PADDING if text else 0
        line_h = float(title.get("subtitleLineHeight") or sfs + 2)
        for i, line in enumerate(sub):
            base = y + round(ASCENT * sfs) + i * line_h
            texts.append(_text(line, PADDING, base, sfamily, sfs, sweight, str(title["subtitleColor"])))
            widest = max(widest, text_width(line, sfs, sweight, font_dir, faces))
        y += len(sub) * line_h
    if not texts:
        return chart_svg
    shift = y + float(title["offset"]) - PADDING  # the chart's own padding stays under the block
    width = max(chart_w, PADDING + widest + PADDING)
    height = shift + chart_h
    w, h = _num(width), _num(height)
    # what a screen reader and a search read as one: the title, and the block's lines joined
    label = html.escape(" ".join(text), quote=False)
    described = html.escape(" ".join(sub), quote=False)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
        f'class="marks" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
        + (f"<title>{label}</title>" if label else "")
        + (f"<desc>{described}</desc>" if described else "")
        + f'<rect width="{w}" height="{h}" fill="{html.escape(str(title.get("background", "#ffffff")))}"/>'
        + '<g class="title-block">'
        + "".join(texts)
        + "</g>"
        + f'<g transform="translate(0,{_num(shift)})">{body}</g></svg>'
    )


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def _bold(weight: str) -> bool:
    return weight in ("bold", "600", "700", "800", "900")


def _text(line: str, x: float, y: float, family: str, size: float, weight: str, fill: str) -> str:
    bold = ' font-weight="bold"' if _bold(weight) else ""
    return (
        f'<text text-anchor="start" x="{_num(x)}" y="{_num(y)}" font-family="{family}" '
        f'font-size="{_num(size)}px"{bold} fill="{html.escape(fill)}">{html.escape(line, quote=False)}</text>'
    )


def text_width(line: str, size: float, weight: str, font_dir: Path | None, faces: dict | None) -> float:
    """The line's advance width in px in the shipped face (regular or bold), or an estimate without it."""
    face = (faces or {}).get(("bold" if _bold(weight) else "normal", "normal"))  # the face the text is drawn in
    advances = _advances(str(font_dir / face)) if font_dir is not None and face else None
    if advances is None:
        return len(line) * size * 0.55
    units, default = advances
    return sum(units.get(ord(c), default) for c in line) * size


@lru_cache(maxsize=8)
def _advances(path: str) -> tuple[dict[int, float], float] | None:
    """Each character's advance in em, from the font's own metrics (once per face and process)."""
    if not Path(path).is_file():
        return None
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    upm = float(font["head"].unitsPerEm)
    hmtx = font["hmtx"].metrics
    units = {code: hmtx[name][0] / upm for code, name in font.getBestCmap().items() if name in hmtx}
    return units, max(units.values(), default=0.6)
