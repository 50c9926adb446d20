"""Decks to take away (pure, offline): a presenter deck as PowerPoint (python-pptx) or as a PDF handout
(fpdf2), from the same Figures the Present page shows. No Streamlit.

Each deck slide becomes one slide/page: the slide's title, the chart's own title with its period and unit,
the chart drawn for the slide (components/decks/layout.py: its smallest text at CHART_MIN_PT on the slide,
the justice chain's countries side by side), a short source line (the publishers, "+3 more, listed at the
end") and, on a map, the geodata attribution; the speaker note, the chart's notes and every source in full
go to the notes pane (PowerPoint) or under the chart (PDF). Closing slides/pages list every source in full
and the dataset version. Every text is in the language of the showing (`i18n.using(lang)` around the call),
the deck's own typed titles and notes as typed. Every text box is as tall as its text measured in the font
(with room for a wider fallback face) and lies inside the slide. Command line (also `make deck`):

    python -m components.decks.files --deck baltic-overview --format pptx --lang lt --out deck.pptx
    python -m components.decks.files --deck "my-deck (1).json" --format pdf
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from components.builders import main_figure
from components.core import cite, i18n
from components.decks import layout as lay
from components.decks.present import slide_view
from components.draw import files as export
from components.view import deck as decks

# type sizes (points), stated in the README; tests check every slide against them
TITLE_PT = (32, 28, 26)  # a slide's title: 32, long titles down to 26 (at most 3 lines)
COVER_PT = (40, 34, 30)
FIGURE_TITLE_PT = (20, 18)  # the chart's own title with its unit
BODY_PT = 18  # the cover's line
SOURCE_PT = 14  # the source line, the map's attribution, the closing slides' citations
CHART_MIN_PT = 14  # the chart's smallest text (tick labels, legend, '<5' labels) as printed on the slide
SLIDE_W, SLIDE_H = 960.0, 540.0  # points: 13.333 × 7.5 inches, 16:9
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 36.0, 22.0, 20.0
GAP = 8.0
# the PDF handout (A4 landscape, read in the hand): its own, smaller minimum
PDF_MIN_PT = 9
PDF_CHART_MIN_PT = 9


@dataclass(frozen=True)
class SlideContent:
    """What one deck slide shows, as text and one chart: the same for PowerPoint and PDF."""

    title: str  # the deck slide's title, in the showing's language (typed titles as typed)
    figure_title: str  # the Figure's title (with its period)
    unit: str  # the chart's unit line
    source_line: str  # short: the publishers, "+n more, listed at the end"
    sources_full: tuple[str, ...]  # every source of the slide, cited in full (notes pane, closing slides)
    attribution: str  # a map's geodata attribution (on the slide), else ""
    notes: tuple[str, ...]  # the Figure's notes (breaks, unconfirmed figures left out, …)
    speaker_note: str
    spec: dict  # the chart as a slide draws it (slide_layout.slide_spec), before fitting to a box
    source_ids: tuple[str, ...]
    notices: tuple[str, ...]  # the slide's view did not fit the data: what it shows instead


def more_sources() -> str:
    return i18n._("+{n} more, listed at the end")


def contents(ds, options, deck: decks.Deck, decorate=None) -> list[SlideContent]:
    """Each slide's texts and chart, in the run's language. `decorate(fig, page, values)`: the session's own
    additions to a slide's Figure (an organisation's uploaded figures beside the official ones, own.py)."""
    out = []
    for slide in deck.slides:
        shown, notices = slide_view(slide, options)
        fig = main_figure(ds, shown, options)  # in the run's language: the showing's
        if decorate is not None:
            fig = decorate(fig, slide.page, shown)
        unit, _ = lay.chart_lines(fig)
        ids = tuple(fig.source_ids)
        out.append(
            SlideContent(
                title=decks.slide_title(slide, fig.title),
                figure_title=fig.title,
                unit=unit or fig.unit,
                source_line=cite.short_source_line(ids, ds.sources, more_sources()) if ids else (fig.source_line or ""),
                sources_full=tuple(_cited(sid, ds) for sid in ids),
                attribution=str(((fig.chart_spec() or {}).get("usermeta") or {}).get("attribution") or ""),
                notes=tuple(str(n) for n in fig.caveats + fig.notes),
                speaker_note=decks.slide_note(slide),
                spec=lay.slide_spec(fig),
                source_ids=ids,
                notices=tuple(notices),
            )
        )
    return out


def _cited(sid: str, ds) -> str:
    """A source in full as the citation line names it (its id is for machines: the data's CSV keeps it)."""
    return cite._cited(cite.source_record(sid, ds.sources))


def closing_lines(ds, slides: list[SlideContent], today: date | None = None) -> list[str]:
    """Every source of the deck in full, then how to cite the dashboard (with the dataset version)."""
    ids = list(dict.fromkeys(sid for s in slides for sid in s.source_ids))
    return [_cited(sid, ds) for sid in ids] + [cite.dataset_citation(ds.meta, today)]


def cover_line(ds, n: int) -> str:
    unknown = i18n._("unknown")
    return i18n.ngettext(
        "{n} slide · dataset version {version} (data as of {as_of})",
        "{n} slides · dataset version {version} (data as of {as_of})",
        n,
    ).format(n=n, version=ds.meta.get("dataset_version") or unknown, as_of=ds.meta.get("data_as_of") or unknown)


def misfit_line(notices) -> str:
    return i18n._("This slide's view does not fit the current data: {notices}").format(notices="; ".join(notices))


def figure_line(s: SlideContent) -> str:
    """The chart's title with its unit; only the unit when the slide's title is the chart's own."""
    if s.title == s.figure_title:
        return s.unit or s.figure_title
    return f"{s.figure_title} — {s.unit}" if s.unit else s.figure_title


def speaker_notes(s: SlideContent) -> str:
    """The notes pane: the speaker note, the chart's notes, what did not fit, every source in full."""
    parts = (
        [s.speaker_note]
        + [export.note_line(n) for n in s.notes]
        + ([misfit_line(s.notices)] if s.notices else [])
        + [
            "\n".join([i18n._("Source:") if len(s.sources_full) == 1 else i18n._("Sources:")] + list(s.sources_full))
            if s.sources_full
            else ""
        ]
    )
    return "\n\n".join(p for p in parts if p)


# ------------------------------------------------------------------------------------ layout


@dataclass(frozen=True)
class Box:
    """A text box or the chart on a slide, in points; `lines` wrapped as measured (text boxes)."""

    x: float
    y: float
    w: float
    h: float
    size: float = 0.0
    lines: tuple[str, ...] = ()  # as measured (the box is their height); the slide gets `text`, wrapped by its app
    style: str = ""
    text: str = ""


def _text_box(x: float, y: float, w: float, text: str, sizes, max_lines: int, style: str = "") -> Box:
    size, lines = lay.fit_text(
        text, w, tuple(sizes) if isinstance(sizes, (tuple, list)) else (sizes,), max_lines, style
    )
    return Box(x, y, w, lay.lines_height(len(lines), size), size, tuple(lines), style, text)


def slide_layout(s: SlideContent) -> tuple[list[Box], Box, lay.FittedChart]:
    """The text boxes of a content slide (title, chart title, source line, attribution) and the chart's box
    with the chart fitted into it: stacked from the top and the bottom, the chart takes the space between."""
    w = SLIDE_W - 2 * MARGIN_X
    title = _text_box(MARGIN_X, MARGIN_TOP, w, s.title, TITLE_PT, 2, "B")
    if len(title.lines) > 2:  # a long title: the smallest size, on as many lines as it takes
        title = _text_box(MARGIN_X, MARGIN_TOP, w, s.title, TITLE_PT[-1], 99, "B")
    fig = _text_box(MARGIN_X, title.y + title.h + GAP, w, figure_line(s), FIGURE_TITLE_PT, 2)
    foot = [t for t in (s.source_line, s.attribution) if t]
    bottom = SLIDE_H - MARGIN_BOTTOM
    boxes_foot = []
    for text in reversed(foot):
        b = _text_box(MARGIN_X, 0, w, text, SOURCE_PT, 99)
        bottom -= b.h
        boxes_foot.insert(0, replace(b, y=bottom))
        bottom -= 4
    top = fig.y + fig.h + GAP
    box_h = max(60.0, bottom - GAP - top)
    fitted = lay.fit_chart(s.spec, w, box_h, CHART_MIN_PT)
    chart = Box(MARGIN_X + (w - fitted.width) / 2, top + (box_h - fitted.height) / 2, fitted.width, fitted.height)
    return [title, fig] + boxes_foot, chart, fitted


def paginate(lines: list[str], size: float, width: float, height: float) -> list[list[str]]:
    """Whole citations onto pages of `height` points (a citation is never split across two)."""
    pages: list[list[str]] = [[]]
    used = 0.0
    for line in lines:
        h = lay.lines_height(len(lay.wrap(line, size, width)), size) + size * 0.4
        if pages[-1] and used + h > height:
            pages.append([])
            used = 0.0
        pages[-1].append(line)
        used += h
    return pages


# ------------------------------------------------------------------------------------ PowerPoint


def pptx_bytes(
    ds, options, deck: decks.Deck, today: date | None = None, decorate=None, slides: list[SlideContent] | None = None
) -> bytes:
    """`slides`: the deck's contents when already built (in the run's language), else built here."""
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Pt

    slides = slides if slides is not None else contents(ds, options, deck, decorate)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Pt(SLIDE_W), Pt(SLIDE_H)
    blank = prs.slide_layouts[6]

    def put(slide, box: Box, paragraphs=None, space_after: float = 0.0):
        """A text box exactly where the layout put it; no inner margins (the layout keeps the margins)."""
        shape = slide.shapes.add_textbox(Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
        tf = shape.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
        for i, text in enumerate(paragraphs if paragraphs is not None else [box.text]):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.text = text
            p.font.size = Pt(box.size)
            p.font.bold = "B" in box.style
            p.font.name = "Source Sans Pro"
            if space_after:
                p.space_after = Pt(space_after)
        return shape

    w = SLIDE_W - 2 * MARGIN_X
    cover = prs.slides.add_slide(blank)
    head = _text_box(MARGIN_X, 0, w, decks.deck_title(deck), COVER_PT, 3, "B")
    head = replace(head, y=SLIDE_H * 0.42 - head.h)
    put(cover, head)
    put(cover, _text_box(MARGIN_X, head.y + head.h + 16, w, cover_line(ds, len(slides)), BODY_PT, 3))
    for s in slides:
        sl = prs.slides.add_slide(blank)
        boxes, chart, fitted = slide_layout(s)
        for b in boxes:
            put(sl, b)
        sl.shapes.add_picture(io.BytesIO(lay.chart_png(fitted)), Pt(chart.x), Pt(chart.y), Pt(chart.w), Pt(chart.h))
        sl.notes_slide.notes_text_frame.text = speaker_notes(s)
    closing = closing_lines(ds, slides, today)
    top = MARGIN_TOP + lay.lines_height(1, TITLE_PT[0]) + GAP
    pages = paginate(closing, SOURCE_PT, w, SLIDE_H - MARGIN_BOTTOM - top)
    for i, lines in enumerate(pages, 1):
        end = prs.slides.add_slide(blank)
        name = i18n._("Sources") + (f" ({i}/{len(pages)})" if len(pages) > 1 else "")
        put(end, _text_box(MARGIN_X, MARGIN_TOP, w, name, TITLE_PT[0], 1, "B"))
        h = sum(lay.lines_height(len(lay.wrap(x, SOURCE_PT, w)), SOURCE_PT) + SOURCE_PT * 0.4 for x in lines)
        put(end, Box(MARGIN_X, top, w, h, SOURCE_PT), lines, space_after=SOURCE_PT * 0.4)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------- PDF


def pdf_bytes(
    ds, options, deck: decks.Deck, today: date | None = None, decorate=None, slides: list[SlideContent] | None = None
) -> bytes:
    """A handout: A4 landscape, one page a slide: title, chart title, the chart, then the speaker note, the
    short source line and the chart's notes; the sources in full on the last pages."""
    from fpdf import FPDF

    slides = slides if slides is not None else contents(ds, options, deck, decorate)
    pdf = FPDF(orientation="L", unit="pt", format="A4")
    margin = 34.0
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(auto=True, margin=margin)
    # Source Sans Pro (shipped): Latin with Baltic letters and Cyrillic
    pdf.add_font("SSP", "", str(export.FONT_DIR / "SourceSansPro-Regular.ttf"))
    pdf.add_font("SSP", "B", str(export.FONT_DIR / "SourceSansPro-Bold.ttf"))
    pdf.add_font("SSP", "I", str(export.FONT_DIR / "SourceSansPro-It.ttf"))
    pdf.set_title(decks.deck_title(deck))
    pdf.set_creator(i18n._(cite.APP_NAME))
    width = pdf.w - 2 * margin

    def para(text, size, style="", dry=False, after=4.0):
        # ragged right: fpdf2 justifies by default, which opens wide gaps before a long link or word
        pdf.set_font("SSP", style, size)
        if dry:  # the height it would take (pt), nothing written
            return pdf.multi_cell(width, size * lay.LINE, text, align="L", dry_run=True, output="HEIGHT") + after
        pdf.multi_cell(width, size * lay.LINE, text, align="L")
        pdf.ln(after)
        return 0.0

    pdf.add_page()
    pdf.ln(140)
    para(decks.deck_title(deck), 28, "B")
    para(cover_line(ds, len(slides)), 14)
    for i, s in enumerate(slides, 1):
        pdf.add_page()
        blocks = [(f"{i}. {s.title}", 20, "B"), (figure_line(s), 13, "")]
        under = [(i18n._("Speaker note: {note}").format(note=s.speaker_note), 12, "I")] if s.speaker_note else []
        under += [(t, 10, "") for t in (s.source_line, s.attribution) if t]
        under += [(export.note_line(n), PDF_MIN_PT, "") for n in s.notes]
        under += [(misfit_line(s.notices), PDF_MIN_PT, "I")] if s.notices else []
        text_h = sum(para(*b, dry=True) for b in blocks + under)
        fitted = handout_chart(s.spec, width, pdf.h - 2 * margin - text_h - 12)
        for b in blocks:
            para(*b)
        y = pdf.get_y()
        pdf.image(
            io.BytesIO(lay.chart_png(fitted)),
            x=margin + (width - fitted.width) / 2,
            y=y + 2,
            w=fitted.width,
            h=fitted.height,
        )
        pdf.set_y(y + fitted.height + 8)
        for b in under:
            para(*b, after=2.5)
    pdf.add_page()
    para(i18n._("Sources"), 20, "B")
    for line in closing_lines(ds, slides, today):
        para(line, 10)
    return bytes(pdf.output())


def handout_chart(spec: dict, width: float, room: float) -> lay.FittedChart:
    """The handout's chart: as tall as the room its page's texts leave (one page a slide), between 150 and 340
    pt, and taller when its smallest text would print under PDF_CHART_MIN_PT (long notes then run on to the
    next page rather than the chart's text becoming small)."""
    box_h = max(150.0, min(340.0, room))
    fitted = lay.fit_chart(spec, width, box_h, PDF_CHART_MIN_PT)
    for _ in range(2):
        if fitted.text_pt >= PDF_CHART_MIN_PT - 0.01 or box_h >= 420:
            break
        box_h = min(420.0, box_h * PDF_CHART_MIN_PT / fitted.text_pt * 1.05)
        fitted = lay.fit_chart(spec, width, box_h, PDF_CHART_MIN_PT)
    return fitted


FORMATS = {"pptx": pptx_bytes, "pdf": pdf_bytes}
MEDIA = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pdf": "application/pdf"}


def file_name(deck: decks.Deck, fmt: str) -> str:
    return f"{export._slug(deck.id) or 'deck'}.{fmt}"


def read_deck(deck: str) -> tuple[decks.Deck, list[str]]:
    """A shipped deck by id, or a deck file of any name (the JSON of data/decks/, "my-deck (1).json",
    "ru_my-deck.json", "Мой доклад.json"): (the deck, notices naming slides left out). Raises DeckError with a
    plain sentence when it is neither."""
    path = Path(deck)
    if decks.DECK_RE.fullmatch(deck) and not path.is_file():
        if deck in decks.available():
            return decks.load(deck), []
        raise decks.DeckError(
            f"there is no shipped deck '{deck}' (shipped: {', '.join(decks.available())}) and no file of that name"
        )
    if not path.exists():
        raise decks.DeckError(f"no such file: {path}")
    if not path.is_file():
        raise decks.DeckError(f"not a file: {path}")
    try:
        data = path.read_bytes() if path.stat().st_size <= decks.MAX_BYTES else b" " * (decks.MAX_BYTES + 1)
    except OSError as exc:
        raise decks.DeckError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with i18n.using("en"):  # the command line speaks English
        got, problems = decks.from_bytes(data)
    if got is None:
        raise decks.DeckError(" ".join(problems))
    return got, problems


def default_out(deck_arg: str, deck: decks.Deck, fmt: str) -> Path:
    """<deck id>.<format> for a shipped deck; a file's own name with the format's extension."""
    path = Path(deck_arg)
    return Path(path.stem + "." + fmt) if path.is_file() else Path(file_name(deck, fmt))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m components.decks.files", description=__doc__.split("\n")[0])
    ap.add_argument(
        "--deck",
        default=decks.DEFAULT_DECK,
        help="a shipped deck's id (data/decks/<id>.json) or a deck file of any name",
    )
    ap.add_argument("--format", choices=sorted(FORMATS), default="pptx")
    ap.add_argument(
        "--lang",
        default="en",
        choices=i18n.LANGS,
        help="the language of the showing: every text on the slides (typed titles and notes stay as typed)",
    )
    ap.add_argument("--out", default="", help="output file (default: <deck id>.<format>)")
    a = ap.parse_args(argv)
    from components.builders.page_rows import options_for
    from components.core.dataset import load

    try:
        deck, problems = read_deck(a.deck)
    except decks.DeckError as exc:
        print(f"Cannot read the deck '{a.deck}': {str(exc).rstrip('.')}.", file=sys.stderr)
        return 2
    for p in problems:
        print(f"Warning: {p}", file=sys.stderr)
    t0 = time.perf_counter()
    ds = load()
    with i18n.using(a.lang):  # everything in the showing's language; typed titles and notes as typed
        data = FORMATS[a.format](ds, options_for(ds), deck)
    out = Path(a.out) if a.out else default_out(a.deck, deck, a.format)
    out.write_bytes(data)
    print(f"{out}: {len(deck.slides)} slides, {len(data) / 1e6:.1f} MB, {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
