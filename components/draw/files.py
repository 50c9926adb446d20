"""File bytes for downloads (pure: no Streamlit). Charts to PNG/SVG, shown rows to CSV, the dataset to a zip.

- PNG/SVG of a Figure (`figure_png`, `figure_svg`): the figure's spec with its notes (breaks, flags,
  overlapping categories …) as "Note:" lines and the footer ("Data as of … · dataset version …") under
  its subtitle, long lines wrapped to the chart's width (never cut), so the file says everything the
  page says around the chart. Rendered offline by vl-convert (imported lazily, so pages start without
  it) in the app's font, Source Sans Pro, shipped in static/fonts/ (OFL) and registered with vl-convert:
  the PNG never falls back to another face, on any machine. PNGs are about 1600 px wide, for slides.
- CSV: exactly the rows given, plus source columns; text cells that a spreadsheet would run as a
  formula (starting with = + - @ tab or CR) get a leading apostrophe. Numbers are left alone.
- File names say what they are: thb-baltic_victims_per-million_2015-2023.csv
"""

from __future__ import annotations

import copy
import io
import json
import re
import textwrap
import zipfile
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from components.core import locations
from components.core.cite import APP_NAME, dataset_citation
from components.core.notes import localise
from components.core.style import FONT
from components.draw import title_block
from etl.countries import BALTIC
from etl.paths import REPO_ROOT

PNG_WIDTH = 1600
# The app's font (components/style.FONT's first family), shipped with its OFL licence (see README).
FONT_DIR = REPO_ROOT / "static" / "fonts" / "source-sans-pro"
FONT_FAMILY = FONT.split(",")[0].strip()  # "Source Sans Pro"
SUBTITLE_PX = 12  # the charts' subtitle size; a line is wrapped to the chart's width at this size
CHAR_EM = 0.48  # average advance of a Source Sans Pro character, in em (looked at on exported PNGs)
ATTRIBUTION_START = "Boundaries: "  # components.draw.geo.ATTRIBUTION in English (a spec without usermeta.attribution)
AXIS_PX = 60  # the y axis and its labels, left of the plot: the title spans them too
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------------------------------- CSV


def neutralise(value):
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            out[c] = col.map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


YEAR_COLUMNS = ("period_start", "period_end", "year", "raw_row")


VALUE_COLUMNS = ("value", "value_low", "value_high")


def _plain(v) -> str:
    """A value as the harmonised table writes it: 81, 5.3457, '' for none (never 81.0), exact."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def whole_years(df: pd.DataFrame) -> pd.DataFrame:
    """Years (and row numbers) as whole numbers, and values written as the harmonised table writes them: a
    column made float by an empty cell ('no data' rows) would be written '2022.0', a count '81.0'."""
    out = df.copy()
    for c in YEAR_COLUMNS:
        if c in out.columns and pd.api.types.is_float_dtype(out[c]):
            values = out[c].dropna()
            if (values == values.round()).all():
                out[c] = out[c].round().astype("Int64")
    for c in VALUE_COLUMNS:
        if c in out.columns and pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].map(_plain).astype(object)
    return out


# the code columns a CSV of a view explains with a label in the reader's language (codes stay codes)
LABEL_COLUMNS = (
    ("country", "country_label"),
    ("indicator", "indicator_label"),
    ("breakdown", "breakdown_label"),
    ("category", "category_label"),
    ("unit", "unit_label"),
    ("source_location", "source_location_label"),
)


def with_label_columns(df: pd.DataFrame, cb, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each code column followed by its label in the run's language (codebook `cb`): 'LV', 'Latvia'; the row
    notes in the run's language (from `note_keys`; `sources` names the sources)."""
    if "note_keys" in df.columns:
        df = localise(df, sources, cb)
    if cb is None or df.empty:
        return df
    out = df.copy()
    make = {
        "country_label": lambda r: cb.country_label(r["country"]),
        "indicator_label": lambda r: cb.indicator_label(r["indicator"]),
        "breakdown_label": lambda r: "" if r["breakdown"] == "total" else cb.breakdown_label(r["breakdown"]),
        "category_label": lambda r: (
            ""
            if r.get("breakdown") == "total" or not r["category"]
            else cb.category_label(r["breakdown"], r["category"])
        ),
        "unit_label": lambda r: cb.unit_label(r["unit"]),
        "source_location_label": lambda r: locations.said(r["source_location"]),
    }
    records = out.to_dict("records")
    for code, label in LABEL_COLUMNS:
        if code not in out.columns or (code == "category" and "breakdown" not in out.columns):
            continue
        values = [make[label](r) if isinstance(r.get(code), str) and r.get(code) else "" for r in records]
        if label in out.columns:
            out = out.drop(columns=label)
        out.insert(out.columns.get_loc(code) + 1, label, values)
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM, so spreadsheets read Lithuanian and Latvian letters) CSV of exactly these rows; years
    as whole numbers."""
    return whole_years(safe_frame(df)).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def with_source_columns(df: pd.DataFrame, sources: pd.DataFrame | None, id_col: str = "source_id") -> pd.DataFrame:
    """Append publisher, title and link of each row's source(s) (ids joined by ';' for rates)."""
    out = df.copy()
    if id_col not in out.columns:
        return out
    rec = {}
    if sources is not None and not sources.empty and "source_id" in sources.columns:
        rec = {r["source_id"]: r for r in sources.to_dict("records")}

    def col(ids, field):
        vals = [str((rec.get(i) or {}).get(field, "") or "") for i in str(ids or "").split(";") if i]
        return " | ".join(v for v in vals if v)

    for field, name in (
        ("publisher", "source_publisher"),
        ("title", "source_title"),
        ("url", "source_url"),
        ("date_accessed", "source_accessed"),
    ):
        out[name] = [col(i, field) for i in out[id_col]]
    return out


# ------------------------------------------------------------------------------------- file names


def _slug(s: object) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(s).lower()).strip("-") or "x"


def file_name(
    ext: str,
    *,
    countries: Iterable[str] = BALTIC,
    indicator: str | None = None,
    unit: str | None = None,
    period: str | None = None,
    extra: str | None = None,
) -> str:
    """thb-baltic_victims_per-million_2015-2023.csv (parts left out when not given)."""
    cs = [c for c in countries if c]
    where = "baltic" if set(cs) == set(BALTIC) or not cs else "-".join(_slug(c) for c in cs)
    parts = ["thb-" + where] + [_slug(p) for p in (indicator, unit, extra, period) if p]
    return "_".join(parts)[:120] + "." + ext.lstrip(".")


# ----------------------------------------------------------------------------------- chart images


def footer_line(meta: dict, today: date | None = None) -> str:
    today = today or date.today()
    from components.core import i18n

    unknown = i18n._("unknown")
    return i18n._("Data as of {as_of} · dataset version {version} · {app}, accessed {today}").format(
        as_of=meta.get("data_as_of") or unknown,
        version=meta.get("dataset_version") or unknown,
        app=i18n._(APP_NAME),
        today=today.isoformat(),
    )


def _vl_version(spec: dict) -> str | None:
    m = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    return f"{m.group(1)}.{m.group(2)}" if m else None


_FONTS: list[str] = []  # the font directories registered with vl-convert in this process


def _vlc():
    """vl_convert, with the app's font registered (once per process; lazy: only when a file is asked for)."""
    import vl_convert as vlc

    if not _FONTS and FONT_DIR.is_dir():
        vlc.register_font_directory(str(FONT_DIR))
        _FONTS.append(str(FONT_DIR))
    return vlc


def warm_renderer() -> None:
    """Start the renderer (vl-convert's JavaScript engine and the fonts: about 100 MB and a few seconds, once per
    process) with a one-mark chart, so the first chart image a reader asks for pays only its own drawing. That
    includes the SVG's font work: the four faces' subsets (`_font_face`, 0.3-0.4 s each) and the title block's
    metrics, which the first images of a news spike paid in turn (the first image after the warm-up took 1.1 s,
    the next ones 0.1 s)."""
    vlc = _vlc()
    spec = {
        "title": {"text": "Warm-up", "subtitle": ["Source: none"], "anchor": "start"},
        "mark": "bar",
        "data": {"values": [{"x": 1}]},
        "encoding": {"x": {"field": "x", "type": "quantitative"}},
    }
    vlc.svg_to_png(render_svg(spec).decode("utf-8"), scale=1.0)
    for weight, style in FONT_FACES:  # every face, not only those the warm-up chart's text uses
        if (FONT_DIR / FONT_FACES[(weight, style)]).is_file():
            _font_face(weight, style, frozenset())


def render_svg(spec: dict) -> bytes:
    """An SVG that looks the same on any machine (the app's font embedded, see `embed_fonts`) and is the same
    file for the same chart whenever it is made (`stable_ids`)."""
    return embed_fonts(stable_ids(_drawn(_vlc(), spec))).encode("utf-8")


_VEGA_ID = re.compile(r'(id="|url\(#)(clip|gradient_?|pattern_?)(\d+)')


def stable_ids(svg: str) -> str:
    """Vega numbers its clip paths (and gradients) with a counter that runs on across the charts a process
    draws ('clip4' for the second chart's first clip): renumbered from 1 in the order they appear, so a chart's
    SVG is the same bytes from the page's button and the API's URL, first or hundredth."""
    seen: dict[tuple[str, str], int] = {}

    def number(m: re.Match) -> str:
        n = seen.setdefault((m.group(2), m.group(3)), sum(1 for k in seen if k[0] == m.group(2)) + 1)
        return f"{m.group(1)}{m.group(2)}{n}"

    return _VEGA_ID.sub(number, svg)


# Faces of the shipped font by (weight, style) as an SVG names them
FONT_FACES = {
    ("normal", "normal"): "SourceSansPro-Regular.ttf",
    ("bold", "normal"): "SourceSansPro-Bold.ttf",
    ("normal", "italic"): "SourceSansPro-It.ttf",
    ("bold", "italic"): "SourceSansPro-BoldIt.ttf",
}
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)


# Every character the five languages and the charts' symbols need: one subset per face, made once a process
LANGUAGE_CHARS = frozenset(
    "".join(chr(c) for c in [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x400, 0x460)]) + "–—‘’‚“”„…•◆▽▼○←→↑↓−×·€№"
)


def embed_fonts(svg: str) -> str:
    """The SVG with Source Sans Pro embedded as @font-face (WOFF subsets, base64): the faces its text uses,
    with every letter of the five languages (about 25 KB a face). Without it a viewer lacking the font draws
    another face whose wider letters overflow the layout vl-convert measured ("015" for 2015, a cut "<5",
    legends on top of each other). Text stays text (searchable, selectable, editable, read by screen readers),
    which outlines would lose; an editor that ignores @font-face still has the named fallbacks."""
    import html

    used: dict[tuple[str, str], set[str]] = {}
    for attrs, body in _TEXT.findall(svg):
        weight = "bold" if re.search(r'font-weight="(bold|[6-9]00)"', attrs) else "normal"
        style = "italic" if 'font-style="italic"' in attrs else "normal"
        used.setdefault((weight, style), set()).update(html.unescape(re.sub(r"<[^>]+>", "", body)))
    faces = [
        _font_face(weight, style, frozenset(chars - LANGUAGE_CHARS))
        for (weight, style), chars in sorted(used.items())
        if (FONT_DIR / FONT_FACES[(weight, style)]).is_file()
    ]
    if not faces:
        return svg
    style_el = f"<defs><style>{''.join(faces)}</style></defs>"
    return re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + style_el, svg, count=1)


@lru_cache(maxsize=16)
def _font_face(weight: str, style: str, extra: frozenset) -> str:
    """One @font-face rule: the face's subset for LANGUAGE_CHARS (+ `extra`), WOFF, base64."""
    import base64

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_DIR / FONT_FACES[(weight, style)]))
    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed: no extra dependency
    options.layout_features = ["kern", "liga"]
    options.name_IDs = ["*"]  # the copyright and licence names travel with the glyphs (SIL OFL)
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(LANGUAGE_CHARS | extra)))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'@font-face{{font-family:"{FONT_FAMILY}";font-weight:{weight};font-style:{style};'
        f'src:url(data:font/woff;base64,{data}) format("woff");}}'
    )


def _drawn(vlc, spec: dict) -> str:
    """The SVG of `spec`: Vega draws the chart, and its title block is set as text above it (title_block)."""
    chart, block = title_block.drawn_apart(spec)
    svg = _svg(vlc, chart)
    return svg if block is None else title_block.compose(svg, block, FONT_DIR, FONT_FACES)


def _svg(vlc, spec: dict) -> str:
    try:
        return vlc.vegalite_to_svg(spec, vl_version=_vl_version(spec))
    except ValueError:  # unknown Vega-Lite version in this vl-convert: its default
        return vlc.vegalite_to_svg(spec)


def svg_size(svg: str | bytes) -> tuple[float, float]:
    head = svg[:600].decode("utf-8", "replace") if isinstance(svg, bytes) else svg[:600]
    w = re.search(r'width="([\d.]+)', head)
    h = re.search(r'height="([\d.]+)', head)
    return (float(w.group(1)) if w else 0.0, float(h.group(1)) if h else 0.0)


def render_png(spec: dict, width: int = PNG_WIDTH) -> bytes:
    """PNG about `width` pixels wide (scaled from the chart's natural size, so type stays sharp)."""
    return render_png_at(spec, lambda w: max(1.0, min(6.0, width / w)) if w else 2.0)


def render_png_at(spec: dict, scale: Callable[[float], float]) -> bytes:
    """PNG of `spec` drawn as `render_svg` draws it (its title block set as text), at `scale(natural width)`
    times its size: the files' and the slides' pictures."""
    vlc = _vlc()
    svg = _drawn(vlc, spec)
    # rasterise the SVG just drawn (vegalite_to_png would run Vega a second time, and lay the title out itself)
    return compact_png(vlc.svg_to_png(svg, scale=scale(svg_size(svg)[0])))


def compact_png(png: bytes) -> bytes:
    """The same picture in a PNG 2.4-3.6 times smaller, in about 0.1 s: vl-convert's PNG is RGBA and lightly
    compressed (a 1600 px trend chart: 1.08 MB, now 0.30 MB), heavy for an article's readers and a deck. Lossless:
    an opaque picture (every chart has a white background) drops its alpha channel; one with transparency keeps it."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        im.load()
        if im.mode == "RGBA" and im.getextrema()[3][0] == 255:
            im = im.convert("RGB")
        out = io.BytesIO()
        im.save(out, "PNG", compress_level=3)
    return out.getvalue()


# ------------------------------------------------------------------------------------ figures


def _spec_dict(spec) -> dict:
    if spec is None:
        return {}
    if hasattr(spec, "to_dict"):
        return spec.to_dict(validate=False)
    return copy.deepcopy(dict(spec))


def _spec_top(spec) -> dict:
    """The spec with its top level copied: what `figure_spec` and `offline_spec` change (title, width,
    autosize, config, background), each replaced there, never changed in place. A deep copy took 4-9 ms an
    image (a map's spec holds its shapes); a slide's layout changes nested parts and copies deeply (`_spec_dict`)."""
    if spec is None or hasattr(spec, "to_dict"):
        return _spec_dict(spec)
    return dict(spec)


def spec_width(spec: dict) -> int:
    """About how wide the drawn chart is, in pixels (facets and concatenations add their panels)."""
    datasets = spec.get("datasets") or {}

    def values(s: dict):
        data = s.get("data") or {}
        return data.get("values") if isinstance(data.get("values"), list) else datasets.get(data.get("name"))

    def w(s: dict) -> int:
        v = s.get("width")
        if isinstance(v, (int, float)):
            return int(v)
        if "facet" in s or "spec" in s:
            inner = w(s.get("spec") or {})
            n = 3  # a facet by country: at most the three Baltic states and the EU
            rows = values(s)
            col = (s.get("facet") or {}).get("column")
            field = col.get("field") if isinstance(col, dict) else None
            if field and isinstance(rows, list):
                n = max(1, len({r.get(field) for r in rows if isinstance(r, dict)}))
            return inner * n + 20 * (n - 1) if (s.get("facet") or {}).get("column") else inner
        if "hconcat" in s:
            return sum(w(x) for x in s["hconcat"]) + 20 * (len(s["hconcat"]) - 1)
        for k in ("vconcat", "layer"):
            if k in s:
                return max([w(x) for x in s[k]] or [0])
        return 0

    hint = (spec.get("usermeta") or {}).get("export_width")  # e.g. a map and its legend side by side
    if isinstance(hint, (int, float)) and hint > 0:
        return int(hint)
    return w(spec) or 640


def wrap_lines(lines, width_px: int, font_px: int = SUBTITLE_PX) -> list[str]:
    """Each line wrapped on words to fit `width_px` (never cut, never a word broken)."""
    chars = max(40, int(width_px / (font_px * CHAR_EM)))
    out: list[str] = []
    for line in lines:
        line = str(line)
        if line:
            out.extend(textwrap.wrap(line, width=chars, break_long_words=False, break_on_hyphens=False) or [line])
    return out


def _unwrap_source(sub: list[str], source_line: str, full: str) -> list[str]:
    """`sub` with the figure's (wrapped) source line replaced by `full` (one line, wrapped later)."""
    if not source_line or not full:
        return sub
    joined = " ".join(source_line.split())
    for i in range(len(sub)):
        for j in range(i + 1, len(sub) + 1):
            if " ".join(" ".join(sub[i:j]).split()) == joined:
                return sub[:i] + [full] + sub[j:]
    return sub


# a screen text pointing at what sits next to the chart on the page, which a file does not have
_PAGE_ONLY = re.compile(r"\s*\((?:see (?:the )?table|notes under the chart|see below)\)", re.IGNORECASE)


def note_line(note: str) -> str:
    """A figure's note as an exported line: "Note: …"."""
    from components.core import i18n

    note = str(note).strip()
    head = i18n._("Note: {note}").format(note="")
    return note if note.lower().startswith(("note", head.strip().lower())) else head + note


def _starts_attribution(line: str, spec: dict) -> bool:
    """The first (wrapped) line of a static map's geodata attribution, in whatever language it is."""
    credit = (spec.get("usermeta") or {}).get("attribution")
    if isinstance(credit, str) and credit:
        line = line.strip()
        return len(line) >= 8 and credit.startswith(line)
    return line.startswith(ATTRIBUTION_START)


def figure_spec(fig, footer: str, sources: pd.DataFrame | None = None) -> dict:
    """The Vega-Lite spec a PNG/SVG (or a slide image) of `fig` is drawn from.

    `fig` is a components.core.figure.Figure (or anything with .spec, .notes, .source_line, .source_ids):
    its title, then its subtitle lines (unit, source line, the chart's legend notes), then every note
    of the figure ("Note: …", what the page shows around the chart), then `footer`; each line wrapped
    to the chart's width on words. With `sources`, the source line names every source in full
    (publisher and title), not the first three. The figure's spec is not changed."""
    spec = _spec_top(fig.chart_spec() if hasattr(fig, "chart_spec") else getattr(fig, "spec", None))
    title = spec.get("title")
    if isinstance(title, str):
        title = {"text": title}
    title = dict(title or {"text": getattr(fig, "title", "") or ""})
    sub = title.get("subtitle") or []
    if isinstance(sub, dict):  # a reflowed screen spec: {"expr": "… ? [narrow] : [wide]"}
        sub = []
    sub = [sub] if isinstance(sub, str) else [str(x) for x in sub]
    full = getattr(fig, "source_line", "") or ""
    if sources is not None and getattr(fig, "source_ids", None):
        from components.core.cite import source_line as _line

        full = _line(fig.source_ids, sources, max_n=len(fig.source_ids))
    # the source line as one line again (the chart wrapped it for the screen): wrapped below to this width
    sub = _unwrap_source(sub, getattr(fig, "source_line", ""), full)
    said = " ".join(" ".join(sub).split())
    notes = [
        note_line(n)
        for n in (tuple(getattr(fig, "caveats", ()) or ()) + tuple(getattr(fig, "notes", ()) or ()))
        if " ".join(str(n).split()) not in said
    ]  # a static map already carries its notes
    width = spec_width(spec)
    # notes before a map's attribution line (which closes what is said about the data), else after the rest
    at = next((i for i, x in enumerate(sub) if _starts_attribution(x, spec)), len(sub))
    lines = [_PAGE_ONLY.sub("", x) for x in sub[:at] + notes + sub[at:]]
    title["subtitle"] = wrap_lines(lines + ([footer] if footer else []), width + AXIS_PX)
    title.setdefault("anchor", "start")
    title["limit"] = 0  # no "…": the lines are wrapped to fit
    title.setdefault("font", FONT)
    title.setdefault("subtitleFont", FONT)
    spec["title"] = title
    return offline_spec(spec)


def offline_spec(spec: dict) -> dict:
    """A screen spec made to draw offline (in place): a fixed width, the app's font, a white background."""
    if spec.get("width") == "container":  # a 'container' width has no container offline
        spec["width"] = 640
    if isinstance(spec.get("autosize"), dict) and spec["autosize"].get("type") == "fit-x":
        spec.pop("autosize")  # the screen's fit-to-column: exports draw at the chart's own width
    config = dict(spec.get("config") or {})
    config.setdefault("font", FONT)
    spec["config"] = config
    spec.setdefault("background", "#ffffff")
    return spec


def figure_svg(fig, meta: dict, sources: pd.DataFrame | None = None, today: date | None = None) -> bytes:
    """SVG of a Figure: title with its period, unit, sources, notes and the data/version footer."""
    return render_svg(figure_spec(fig, footer_line(meta, today), sources))


def figure_png(
    fig, meta: dict, sources: pd.DataFrame | None = None, today: date | None = None, width: int = PNG_WIDTH
) -> bytes:
    """PNG of a Figure, about `width` px wide (slides), in the app's font; see figure_spec."""
    return render_png(figure_spec(fig, footer_line(meta, today), sources), width)


def figure_pdf(fig, meta: dict, sources: pd.DataFrame | None = None, today: date | None = None) -> bytes:
    """PDF of a Figure (vector, the app's font embedded): the same drawing as its SVG."""
    return render_pdf(figure_spec(fig, footer_line(meta, today), sources))


def render_pdf(spec: dict) -> bytes:
    """A vector PDF of the SVG `render_svg` draws (the app's font embedded by vl-convert)."""
    vlc = _vlc()
    return vlc.svg_to_pdf(_drawn(vlc, spec))


# a chart's image files: what the page's download buttons and the API's /view/<page>.<fmt> serve
IMAGE_MEDIA = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
_IMAGE_MAKERS = {"png": figure_png, "svg": figure_svg, "pdf": figure_pdf}


def figure_image(fig, fmt: str, meta: dict, sources: pd.DataFrame | None = None, today: date | None = None) -> bytes:
    """The image file `fmt` (png, svg, pdf) of a Figure, in the run's language: the one function behind the
    page's PNG/SVG download buttons and the data API's chart images, so both give the same bytes."""
    return _IMAGE_MAKERS[fmt](fig, meta, sources, today)


def figure_csv(fig, sources: pd.DataFrame | None, cb=None) -> bytes:
    """The figure's rows with a label beside each code (in the run's language, with the codebook `cb`) and
    their sources' publisher, title, link and access date (as the pages' CSV); then the uploaded figures drawn
    beside it, if any (components/uploads/overlay.py: labelled, their organisation as source)."""
    rows = with_source_columns(with_label_columns(fig.rows, cb, sources), sources)  # as page_rows.csv_rows
    own = getattr(fig, "own_rows", None)
    if own is not None and not own.empty:
        rows = pd.concat([rows, own], ignore_index=True)
    return csv_bytes(rows)


def figure_file_name(fig, ext: str) -> str:
    """<fig.file_stem>.<ext>, made safe for a file name."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(getattr(fig, "file_stem", "") or "thb-baltic")).strip("-.")
    return (stem or "thb-baltic")[:120] + "." + ext.lstrip(".")


# ------------------------------------------------------------------------------------ dataset zip

CAVEATS = """Caveats
- Registered victims are the cases that authorities detected, not how many people are trafficked.
- Definitions differ by country (codebook/country_definitions.csv) and change over time (flags).
- '<5' (suppressed = True) is a count between 1 and 4 withheld by the source: never read it as 0.
- Several sources may give the same figure: all rows are kept; 'preferred' marks the one the charts use.
- Rates per million are derived from cited population figures (both sources named in source_id).
"""


def readme_text(meta: dict, sources: pd.DataFrame | None, today: date | None = None) -> str:
    from components.core.cite import licences

    lic = licences(sources)
    lines = [
        f"{APP_NAME} — full dataset",
        "",
        f"Dataset version: {meta.get('dataset_version', 'unknown')}",
        f"Data as of: {meta.get('data_as_of', 'unknown')}",
        "",
        "How to cite",
        dataset_citation(meta, today),
        "Cite the original source of each figure too (sources.csv, column 'citation').",
        "",
        "Files",
        "- thb_baltic.csv: the harmonised table, one row per figure and source",
        "- sources.csv: one record per source document (publisher, title, link, dates, licence, citation)",
        "- codebook/*.csv: indicators, categories, countries, units, flags, per-country definitions",
        "- datapackage.json: Frictionless Data Package descriptor (types, allowed codes, keys, licences)",
        "",
        "Spreadsheet safety: text cells starting with = + - @ tab or CR carry a leading apostrophe.",
        "",
        CAVEATS,
        "Licences (per source)",
    ]
    for r in lic.itertuples():
        lines.append(f"- {r.Publisher}: {r.Source} — {r.Licence}")
    return "\n".join(lines) + "\n"


APP_COLUMNS = ("period", "single_year")  # added by the loader (components/core/dataset.py), not published


def _number_text(v) -> str:
    """A number as the build writes it: 7, 1.064, empty for missing."""
    if v is None or pd.isna(v):
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def published_table(table: pd.DataFrame) -> pd.DataFrame:
    """The harmonised table as built (the file's columns and number spelling), from the loaded table."""
    out = table[[c for c in table.columns if c not in APP_COLUMNS]].copy()
    for c in ("value", "value_low", "value_high"):
        if c in out.columns:
            out[c] = out[c].map(_number_text).astype(object)
    return out


def package_citation(meta: dict) -> str:
    return (
        f"{APP_NAME}, dataset version {meta.get('dataset_version', 'unknown version')} (data as of "
        f"{meta.get('data_as_of', 'unknown date')}), accessed <the date you accessed it>. Cite the original "
        "source of each figure too (sources.csv, column 'citation')."
    )


def datapackage(data_dir: Path | str, meta: dict, table: pd.DataFrame) -> dict:
    """The Frictionless Data Package descriptor of the published files (etl/datapackage.py)."""
    from etl.datapackage import descriptor  # lazy: the build's schema module loads pandera

    return descriptor(
        data_dir, meta, table_columns=list(published_table(table.iloc[0:0]).columns), citation=package_citation(meta)
    )


def dataset_zip(
    table: pd.DataFrame, sources: pd.DataFrame | None, data_dir: Path | str, meta: dict, today: date | None = None
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("thb_baltic.csv", csv_bytes(published_table(table)))
        z.writestr("sources.csv", csv_bytes(sources if sources is not None else pd.DataFrame()))
        cb = Path(data_dir) / "codebook"
        if cb.is_dir():
            for p in sorted(cb.glob("*.csv")):
                z.writestr(f"codebook/{p.name}", csv_bytes(pd.read_csv(p, dtype=str, keep_default_na=False)))
        z.writestr("README.txt", readme_text(meta, sources, today))
        z.writestr("datapackage.json", json.dumps(datapackage(data_dir, meta, table), indent=2, ensure_ascii=False))
    return buf.getvalue()


def dataset_zip_name(meta: dict) -> str:
    """thb-baltic_dataset_<version>.zip"""
    return f"thb-baltic_dataset_{_slug(meta.get('dataset_version', 'unknown'))}.zip"


TIDY_COLUMNS = [
    "country",
    "period_label",
    "period_start",
    "period_end",
    "indicator",
    "breakdown",
    "category",
    "unit",
    "value",
    "value_low",
    "value_high",
    "suppressed",
    "preferred",
    "grade",
    "status",
    "index",
    "flags",
    "note",
    "note_keys",  # the notes as ids (the label step writes `note` in the reader's language from these)
    "source_id",
    "source_location",
]


def tidy(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows behind a chart, in the harmonised table's own columns (those present), for the CSV."""
    return rows[[c for c in TIDY_COLUMNS if c in rows.columns]].reset_index(drop=True)
