"""Slides that fit and read from the back of a room (pure: no Streamlit). Used by the deck files
(components/decks/files.py) and the Present page.

- Text is measured in the slides' font (Source Sans Pro, shipped) and wrapped on words; a box is as tall
  as its wrapped lines. A PowerPoint file names the font but cannot carry it: a machine without it draws
  a wider face (Arial, Calibri, DejaVu Sans: up to 35 % wider, measured), so widths are measured
  `FALLBACK_WIDER` times wider than Source Sans Pro and a box still holds its text in that face.
- A chart on a slide is drawn for the slide, not shrunk from the page: its title block gives way to the
  slide's own text (title, the chart's title with unit, a short source line), the lines the chart needs to
  be read (the '<5' legend) stay; the small multiples of the justice chain stand side by side (one panel
  per country); and the plot is sized so that the chart, placed in its box on the slide, prints its
  smallest text at `min_pt` points (`fit_chart`). The text keeps its size; the plot takes what is left.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import textwrap
from dataclasses import dataclass
from functools import cache

from components.core import i18n
from components.core.i18n import N_
from components.draw import files as export

FALLBACK_WIDER = 1.36  # DejaVu Sans Bold: 1.27–1.31 times Source Sans Pro Bold in titles, 1.35 for "WWW"
PANEL_CHARS = 30  # a side-by-side panel's subtitle line, characters (about 200 px at 12 px)
LINE = 1.2  # line height, in font sizes (PowerPoint's and LibreOffice's single spacing)
# a unit line that points at the page's table, which a slide does not have: the words a slide says instead
_PAGE_ONLY_UNITS = {N_("persons or cases (see table)"): N_("persons or cases")}
_FONT_FILES = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Bold.ttf", "I": "SourceSansPro-It.ttf"}


@cache
def _font(style: str):
    from PIL import ImageFont

    return ImageFont.truetype(str(export.FONT_DIR / _FONT_FILES[style]), 100)


def text_width(text: str, size: float, style: str = "", wider: float = FALLBACK_WIDER) -> float:
    """Width of one line in points at `size` points (`wider`: room for a fallback font)."""
    return _font(style).getlength(text) / 100 * size * wider


def wrap(text: str, size: float, width: float, style: str = "", wider: float = FALLBACK_WIDER) -> list[str]:
    """`text` wrapped on words to `width` points (a word longer than a line is broken), paragraphs kept."""
    out: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for word in para.split():
            trial = f"{line} {word}" if line else word
            if text_width(trial, size, style, wider) <= width:
                line = trial
                continue
            if line:
                out.append(line)
            while text_width(word, size, style, wider) > width:  # a URL or a long name: broken, never cut
                cut = max(
                    1, next(i for i in range(len(word), 0, -1) if text_width(word[:i], size, style, wider) <= width)
                )
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    return out


def fit_text(
    text: str, width: float, sizes: tuple[float, ...], max_lines: int, style: str = ""
) -> tuple[float, list[str]]:
    """The largest of `sizes` at which `text` takes at most `max_lines` lines (else the smallest size)."""
    for size in sizes:
        lines = wrap(text, size, width, style)
        if len(lines) <= max_lines:
            return size, lines
    return sizes[-1], wrap(text, sizes[-1], width, style)


def lines_height(n: int, size: float) -> float:
    return n * size * LINE


# ----------------------------------------------------------------------------------------- charts


def _norm(text) -> str:
    return " ".join(str(text).split())


def chart_lines(fig) -> tuple[str, list[str]]:
    """(the chart's unit line, the lines a slide keeps in the chart): of the chart's subtitle paragraphs,
    the first is its unit line (set as text on the slide); the source line, the figure's notes and a map's
    attribution go elsewhere on the slide or to its notes; what is left explains the marks ('◆ <5 = …')."""
    spec = fig.chart_spec() if hasattr(fig, "chart_spec") else fig.spec
    meta = (spec or {}).get("usermeta") or {}
    paras = [str(p) for p in (meta.get("subtitle") or []) if str(p).strip()]
    if not paras:
        title = (spec or {}).get("title")
        sub = title.get("subtitle") if isinstance(title, dict) else None
        paras = [sub] if isinstance(sub, str) else [str(x) for x in sub or []]
    unit = getattr(fig, "unit", "") or ""
    if paras and _norm(paras[0]) != _norm(getattr(fig, "source_line", "")):
        unit = paras.pop(0)
    elsewhere = {_norm(getattr(fig, "source_line", "")), _norm(meta.get("attribution") or "")}
    elsewhere |= {_norm(export.note_line(n)) for n in getattr(fig, "notes", ()) or ()}
    keep = [p for p in paras if _norm(p) not in elsewhere and not _norm(p).startswith(tuple(x for x in elsewhere if x))]
    unit = next((i18n._(short) for full, short in _PAGE_ONLY_UNITS.items() if unit == i18n._(full)), unit)
    return export._PAGE_ONLY.sub("", unit), [export._PAGE_ONLY.sub("", p) for p in keep]


def slide_spec(fig, side_by_side: bool = True) -> dict:
    """The Figure's chart as a slide draws it: no title block (the slide sets title, unit and sources as
    text) but the lines that explain its marks, small multiples side by side (`side_by_side`), drawn offline."""
    spec = export._spec_dict(fig.chart_spec() if hasattr(fig, "chart_spec") else fig.spec)
    _, keep = chart_lines(fig)
    spec.pop("title", None)
    if keep:  # in the look of the chart's subtitle (Vega draws no subtitle under an empty title)
        spec["title"] = {
            "text": keep[0],
            "subtitle": keep[1:],
            "anchor": "start",
            "fontSize": 12,
            "fontWeight": "normal",
            "subtitleFontSize": 12,
            "color": "#444444",
            "subtitleColor": "#444444",
            "font": export.FONT,
            "subtitleFont": export.FONT,
            "offset": 6,
            "limit": 0,
        }
    if isinstance((spec.get("usermeta") or {}).get("subtitle"), list):
        # the screen rewraps a title's lines from these paragraphs (charts.reflow_title): the slide's, not the
        # page's (unit, full sources, then the marks' lines again, above a phone's slide)
        spec["usermeta"] = {**spec["usermeta"], "subtitle": keep[1:]}
    if side_by_side and isinstance(spec.get("vconcat"), list) and len(spec["vconcat"]) > 1:
        spec["hconcat"] = spec.pop("vconcat")  # the justice chain: one panel per country, side by side
        for panel in spec["hconcat"]:  # a panel's line under its country's name, on lines as narrow as a panel
            head = panel.get("title")
            if isinstance(head, dict) and isinstance(head.get("subtitle"), str) and head["subtitle"]:
                head["subtitle"] = textwrap.wrap(head["subtitle"], PANEL_CHARS, break_long_words=False)
    spec.pop("autosize", None)
    for layer in spec.get("layer") or ():  # a slide is wide: up to four legend entries on one line
        color = ((layer.get("encoding") or {}).get("color") or {}) if isinstance(layer, dict) else {}
        legend, domain = color.get("legend"), (color.get("scale") or {}).get("domain")
        if isinstance(legend, dict) and legend.get("columns") and isinstance(domain, list) and len(domain) <= 4:
            legend["columns"] = len(domain)
    for rows in (spec.get("datasets") or {}).values():  # a slide is wide: a bar's '<5 (…)' label on one line
        for row in rows if isinstance(rows, list) else ():
            if isinstance(row, dict) and isinstance(row.get("label"), str):
                row["label"] = row["label"].replace("\n", " ")
    return export.offline_spec(spec)


def _panels(spec: dict) -> list[dict]:
    for key in ("hconcat", "vconcat"):
        if isinstance(spec.get(key), list):
            return spec[key]
    return [spec]


def _size(spec: dict) -> tuple[float, float]:
    p = _panels(spec)[0]
    w, h = p.get("width"), p.get("height")
    return (float(w) if isinstance(w, (int, float)) else 400.0, float(h) if isinstance(h, (int, float)) else 300.0)


def _set_size(spec: dict, w: float, h: float) -> None:
    for p in _panels(spec):
        old = p.get("height")
        p["width"], p["height"] = int(round(w)), int(round(h))
        if isinstance(old, (int, float)) and old > 0:
            _follow_height(p, p["height"] / old)


def _follow_height(view: dict, ratio: float) -> None:
    """Text placed under a bar by a pixel offset from the bar's thickness (Compare's 'not given: …' line,
    dy = half the bar + 3 px: components/charts.compare_chart) moves with the bars when the plot's height
    changes; other offsets are fixed distances from a point and stay."""
    for layer in view.get("layer") or ():
        mark = layer.get("mark") if isinstance(layer, dict) else None
        if (
            isinstance(mark, dict)
            and mark.get("type") == "text"
            and mark.get("baseline") == "top"
            and isinstance(mark.get("dy"), (int, float))
        ):
            mark["dy"] = round((mark["dy"] - 3) * ratio + 3, 1)


_FONT_SIZE = re.compile(r'font-size(?:="|:\s*)([\d.]+)')


def svg_font_sizes(svg: str) -> list[float]:
    """Every text size in a vl-convert SVG, in px."""
    return [float(x) for x in _FONT_SIZE.findall(svg)]


def _svg(spec: dict) -> str:
    return export.render_svg(spec).decode("utf-8")


@dataclass(frozen=True)
class FittedChart:
    spec: dict  # the chart as drawn for this box
    width: float  # its size on the slide, points (it fits the box; centred in it)
    height: float
    text_pt: float  # its smallest text on the slide, points
    svg_width: float = 0.0  # its drawn width in px (the PNG's scale)


_FITTED: dict[tuple, FittedChart] = {}  # the last fits (a slide's layout is asked for more than once)


def fit_chart(
    spec: dict, box_w: float, box_h: float, min_pt: float, *, min_plot: tuple[int, int] = (120, 80)
) -> FittedChart:
    """`spec` sized to fill a box of `box_w` × `box_h` points with its smallest text at `min_pt` points: the
    text keeps its size in px and each px is `min_pt / smallest px` points; the plot (each panel alike) takes
    the room the texts leave. If even the smallest plot does not fit, the chart is scaled down to the box."""
    key = (
        hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode("utf-8")).hexdigest(),
        round(box_w, 2),
        round(box_h, 2),
        min_pt,
        min_plot,
    )
    if key not in _FITTED:
        if len(_FITTED) >= 64:
            _FITTED.clear()
        _FITTED[key] = _fit(copy.deepcopy(spec), box_w, box_h, min_pt, min_plot)
    return _FITTED[key]


ROW_UNDER_TEXT_PX = 44  # a bar's row with a line of text under the bar (bar 60 % of the row, 12 px text)


def _min_plot_height(spec: dict, default: int) -> int:
    """Rows of bars with a line under a bar (Compare's 'not given: …') need ROW_UNDER_TEXT_PX each, or the
    line under the last bar runs into the axis."""
    layers = spec.get("layer") or ()
    if not any(
        isinstance(x, dict)
        and isinstance(x.get("mark"), dict)
        and x["mark"].get("baseline") == "top"
        and x["mark"].get("type") == "text"
        for x in layers
    ):
        return default
    rows = max(
        [
            len(((x.get("encoding") or {}).get("y") or {}).get("scale", {}).get("domain") or [])
            for x in layers
            if isinstance(x, dict)
        ]
        or [0]
    )
    return max(default, rows * ROW_UNDER_TEXT_PX)


def _fit(spec: dict, box_w: float, box_h: float, min_pt: float, min_plot: tuple[int, int]) -> FittedChart:
    svg = _svg(spec)
    smallest = min(svg_font_sizes(svg) or [12.0])
    k = min_pt / smallest  # points per px
    target_w, target_h = box_w / k, box_h / k
    n = len(_panels(spec))
    w, h = _size(spec)
    min_plot = (min_plot[0], _min_plot_height(spec, min_plot[1]))
    last = None
    for _ in range(4):
        sw, sh = export.svg_size(svg)
        ok_w, ok_h = 0.97 * target_w <= sw <= target_w, 0.97 * target_h <= sh <= target_h
        if ok_w and ok_h:
            break
        if last is not None and abs(last[0] - sw) < 2 and sw > target_w:
            ok_w = True  # narrower plots do not make it narrower (a legend or a title sets its width)
        nw = w if ok_w else max(min_plot[0], w + (0.99 * target_w - sw) / n)
        nh = h if ok_h else max(min_plot[1], h + (0.99 * target_h - sh))
        if (int(nw), int(nh)) == (int(w), int(h)):
            break
        last = (sw, sh)
        w, h = nw, nh
        _set_size(spec, w, h)
        svg = _svg(spec)
    sw, sh = export.svg_size(svg)
    k = min(k, box_w / sw, box_h / sh)  # the smallest plot still too big: the chart scaled to the box
    return FittedChart(
        spec=spec, width=sw * k, height=sh * k, text_pt=min(svg_font_sizes(svg) or [12.0]) * k, svg_width=sw
    )


def chart_png(fitted: FittedChart, dpi: int = 150) -> bytes:
    """The fitted chart as a PNG sharp at `dpi` at its size on the slide."""
    scale = max(1.0, min(6.0, fitted.width / 72 * dpi / fitted.svg_width)) if fitted.svg_width else 2.0
    return export.render_png_at(fitted.spec, lambda _natural_width: scale)  # drawn as it was fitted


# ----------------------------------------------------------------------------------- on screen

# /present at 1440×900: the title (one line), the chart's title, the chart, the source line, a three-line
# note, the link to the view and previous/next fit the screen; a longer title or note takes from the plot
SCREEN_PLOT_H = 330  # px
SCREEN_PLOT_MIN = 180
SCREEN_PANEL_W = 350  # px: one country's panel of the justice chain, three side by side in 1440 px
SCREEN_MAP_H = 420  # px: the static map (its legend beside it)
SCREEN_MAP_LEGEND_PX = 270  # the map's legend right of it (components/map_static.LEGEND_PX and a margin)
PHONE_LEGEND_COLUMN_PX = 170  # one of two legend columns under a map in a phone's column (390 px wide)
_TITLE_CHARS, _TITLE_LINE_PX = 55, 52  # the slide's title at 2.6 rem, bold, in 1280 px
_NOTE_CHARS, _NOTE_LINE_PX = 115, 35  # the speaker note at 1.35 rem, italic


def screen_plot_height(title: str, note: str) -> int:
    """The plot's height on /present: SCREEN_PLOT_H less what a title over one line or a note over three
    lines takes (estimated from their lengths), at least SCREEN_PLOT_MIN."""
    extra = (
        max(0, -(-len(title) // _TITLE_CHARS) - 1) * _TITLE_LINE_PX
        + max(0, -(-len(note) // _NOTE_CHARS) - 3) * _NOTE_LINE_PX
    )
    return max(SCREEN_PLOT_MIN, SCREEN_PLOT_H - extra)


def screen_spec(fig, plot_h: int = SCREEN_PLOT_H) -> dict:
    """The slide's chart for /present: as in the files (no title block, panels side by side), the plot
    `plot_h` px tall; a single chart takes the column's width (Streamlit's stretch); the map keeps its
    proportions with its legend beside it."""
    spec = slide_spec(fig)
    if "hconcat" in spec:
        _set_size(spec, SCREEN_PANEL_W, plot_h - 70)  # the panels' headings take two lines more
    elif "projection" in spec:
        h = SCREEN_MAP_H + plot_h - SCREEN_PLOT_H
        # Streamlit fits the whole chart (legend included) into the spec's width on the page: leave the legend the
        # room its longest label takes in this language, or the map shrinks to what is left
        spec["width"] = int(h * spec.get("width", 460) / spec.get("height", 560)) + legend_px(spec)
        spec["height"] = h
        meta = dict(spec.get("usermeta") or {})
        meta.pop("screen_config", None)  # the page's map puts its legend under it for a phone; a slide is wide
        spec["usermeta"] = meta
    else:
        old, spec["height"] = spec.get("height"), plot_h  # the width: the column's (Streamlit's stretch)
        if isinstance(old, (int, float)) and old > 0:
            _follow_height(spec, plot_h / old)
    return spec


def legend_px(spec: dict, least: int = SCREEN_MAP_LEGEND_PX) -> int:
    """The room a legend beside the chart takes (px): its longest label or title, with the symbol and margins;
    at least `least`. Labels are the legend's scale domain (the map names its classes there)."""
    widths = [float(least)]

    def walk(node) -> None:
        if isinstance(node, dict):
            legend, domain = node.get("legend"), (node.get("scale") or {}).get("domain")
            if isinstance(legend, dict) and isinstance(domain, list):
                size = float(legend.get("labelFontSize", 12))
                widths.extend(text_width(str(x), size, wider=1.1) + 50 for x in domain)  # symbol, gaps, margin
                if isinstance(legend.get("title"), str):
                    widths.append(text_width(legend["title"], float(legend.get("titleFontSize", 12)), "B", 1.1) + 30)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return int(max(widths))


def screen_stacked(fig, plot_h: int = SCREEN_PLOT_H) -> dict | None:
    """For a phone (the Present page shows it below a breakpoint): the panels stacked, each the column's width
    (as on the page), 1/2.5 of the plot's height each; the map with its legend under it (beside it, a phone's
    column cut the legend off); None for a chart without either."""
    spec = slide_spec(fig, side_by_side=False)
    if "projection" in spec:  # the map as its page shows it on a phone: the column's width, the legend under it
        meta = dict(spec.get("usermeta") or {})
        config = dict(meta.get("screen_config") or {})
        legend = dict(config.get("legend") or {})
        if legend.get("columns", 1) > 1 and legend_px(spec, least=0) > PHONE_LEGEND_COLUMN_PX:
            legend["columns"] = 1  # a slide's longer labels ('1–4 persons (its range in this unit)'): one a line
        spec["usermeta"] = {**meta, "screen_config": {**config, "legend": legend}}
        return spec
    if not isinstance(spec.get("vconcat"), list):
        return None
    _set_size(spec, export.spec_width(spec.get("vconcat")[0]) or 640, int(plot_h / 2.5))
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


def screen_width(spec: dict) -> str:
    """Streamlit's width for the slide's chart: the column's for a single chart, its own for panels and maps."""
    return "content" if "hconcat" in spec or "projection" in spec else "stretch"
