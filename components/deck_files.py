"""Decks to take away (pure, offline): a presenter deck as PowerPoint (python-pptx) or as a PDF handout
(fpdf2), from the same Figures the Present page shows. No Streamlit.

Each deck slide becomes one slide/page: the slide's title, the chart as a high-resolution image (drawn
by vl-convert from the Figure's spec without its title block: the title, unit, period and sources are
set as text at sizes readable from the back of a room), the Figure's own title with its period and unit,
the source line, the Figure's notes, and the speaker note (PowerPoint: in the notes pane; PDF: under the
chart). A map slide is the static map. A closing slide/page lists every source in full and the dataset
version. Command line (also `make deck`):

    python -m components.deck_files --deck baltic-overview --format pptx --out deck.pptx
    python -m components.deck_files --deck my-deck.json --format pdf --out handout.pdf
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dataclasses import replace

from components import cite, export, i18n
from components import deck as decks

# type sizes (points): the README states them; nothing on a slide is smaller than MIN_PT
TITLE_PT, FIGURE_TITLE_PT, BODY_PT, SOURCE_PT, MIN_PT = 32, 20, 18, 14, 14
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5  # 16:9
CHART_PX = 1600  # the chart image's width in pixels (about 150 dpi across a 10.7-inch wide chart)
FONT_DIR = export.FONT_DIR


@dataclass(frozen=True)
class SlideContent:
    """What one deck slide shows, as text and one image: the same for PowerPoint and PDF."""
    title: str  # the deck slide's title
    figure_title: str  # the Figure's title (with its period)
    unit: str
    source_line: str
    notes: tuple[str, ...]  # the Figure's notes (breaks, unconfirmed figures left out, …)
    speaker_note: str
    chart_png: bytes
    source_ids: tuple[str, ...]
    notices: tuple[str, ...]  # the slide's view did not fit the data: what it shows instead


def read_deck(deck: str) -> decks.Deck:
    """A shipped deck by id, or a deck file (the same JSON format as data/decks/)."""
    path = Path(deck)
    if path.suffix == ".json" and path.is_file():
        return decks.load(path.stem, path.parent) if decks.DECK_RE.fullmatch(path.stem) else \
            _raise(f"a deck file name must be letters, digits and dashes: {path.name}")
    return decks.load(deck)


def _raise(msg: str):
    raise decks.DeckError(msg)


def chart_png(fig, width: int = CHART_PX) -> bytes:
    """The Figure's chart without its title block (the slide sets title, unit and sources as text)."""
    spec = export._spec_dict(fig.chart_spec() if hasattr(fig, "chart_spec") else fig.spec)
    spec = dict(spec)
    spec.pop("title", None)
    return export.render_png(export.offline_spec(spec), width)


def contents(ds, options, deck: decks.Deck, decorate=None) -> list[SlideContent]:
    """Each slide's texts and chart image. `decorate(fig, page, values)`: the session's own additions to a
    slide's Figure (an organisation's uploaded figures drawn beside the official ones, components/own.py)."""
    from components.view_state import resolve

    out = []
    for slide in deck.slides:
        view, notices = decks.slide_view(slide, options)
        view = replace(view, lang=i18n.lang())  # the charts, titles and notes in the deck's chosen language
        fig = decks.slide_figure(ds, options, view)
        if decorate is not None:
            fig = decorate(fig, slide.page, resolve(view, options)[1])
        from components.cite import source_line

        out.append(SlideContent(
            title=slide.title, figure_title=fig.title, unit=fig.unit,
            source_line=source_line(fig.source_ids, ds.sources, max_n=len(fig.source_ids)) if fig.source_ids
            else (fig.source_line or ""),
            notes=tuple(str(n) for n in fig.notes), speaker_note=slide.note, chart_png=chart_png(fig),
            source_ids=tuple(fig.source_ids), notices=tuple(notices)))
    return out


def closing_lines(ds, slides: list[SlideContent], today: date | None = None) -> list[str]:
    """Every source of the deck in full, then how to cite the dashboard (with the dataset version)."""
    ids = list(dict.fromkeys(sid for s in slides for sid in s.source_ids))
    lines = []
    for sid in ids:
        rec = cite.source_record(sid, ds.sources)
        lines.append(cite._cited(rec) + (f" [{sid}]" if sid else ""))
    return lines + ["", cite.dataset_citation(ds.meta, today)]


def cover_line(ds, n: int) -> str:
    unknown = i18n._("unknown")
    return i18n.ngettext("{n} slide · dataset version {version} (data as of {as_of})",
                         "{n} slides · dataset version {version} (data as of {as_of})", n).format(
        n=n, version=ds.meta.get("dataset_version") or unknown, as_of=ds.meta.get("data_as_of") or unknown)


def misfit_line(notices) -> str:
    return i18n._("This slide's view does not fit the current data: {notices}").format(notices="; ".join(notices))


# ------------------------------------------------------------------------------------ PowerPoint

def pptx_bytes(ds, options, deck: decks.Deck, today: date | None = None, decorate=None) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches, Pt

    slides = contents(ds, options, deck, decorate)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    blank = prs.slide_layouts[6]

    def text_box(slide, x, y, w, h, paragraphs, size, bold=False):
        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        tf = box.text_frame
        tf.word_wrap = True
        for i, text in enumerate(paragraphs):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.text = text
            p.font.size = Pt(size)
            p.font.bold = bold
            p.font.name = "Source Sans Pro"
        return box

    cover = prs.slides.add_slide(blank)
    text_box(cover, 0.6, 2.4, 12.1, 1.6, [deck.title], 40, bold=True)
    text_box(cover, 0.6, 4.1, 12.1, 1.2, [cover_line(ds, len(slides))], BODY_PT)
    for s in slides:
        sl = prs.slides.add_slide(blank)
        text_box(sl, 0.5, 0.25, 12.3, 0.8, [s.title], TITLE_PT, bold=True)
        text_box(sl, 0.5, 1.0, 12.3, 0.5, [f"{s.figure_title} — {s.unit}"], FIGURE_TITLE_PT)
        # the chart fills the space between the titles and the source line, keeping its proportions
        w_px, h_px = export.png_size(s.chart_png)
        box_w, box_h = 12.3, 4.75
        scale = min(box_w / w_px, box_h / h_px)
        w, h = w_px * scale, h_px * scale
        sl.shapes.add_picture(io.BytesIO(s.chart_png), Inches(0.5 + (box_w - w) / 2), Inches(1.55),
                              Inches(w), Inches(h))
        text_box(sl, 0.5, 6.4, 12.3, 1.0, [s.source_line], SOURCE_PT)  # "Source(s): …"
        notes = [s.speaker_note] + [export.note_line(n) for n in s.notes] + \
            ([misfit_line(s.notices)] if s.notices else [])
        sl.notes_slide.notes_text_frame.text = "\n\n".join(n for n in notes if n)
    end = prs.slides.add_slide(blank)
    text_box(end, 0.5, 0.25, 12.3, 0.8, [i18n._("Sources")], TITLE_PT, bold=True)
    text_box(end, 0.5, 1.1, 12.3, 6.2, closing_lines(ds, slides, today), SOURCE_PT)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------- PDF

def pdf_bytes(ds, options, deck: decks.Deck, today: date | None = None, decorate=None) -> bytes:
    """A handout: A4 landscape, one page a slide, the notes under the chart."""
    from fpdf import FPDF

    slides = contents(ds, options, deck, decorate)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    # Source Sans Pro (shipped): Latin with Baltic letters and Cyrillic
    pdf.add_font("SSP", "", str(FONT_DIR / "SourceSansPro-Regular.ttf"))
    pdf.add_font("SSP", "B", str(FONT_DIR / "SourceSansPro-Bold.ttf"))
    pdf.add_font("SSP", "I", str(FONT_DIR / "SourceSansPro-It.ttf"))
    pdf.set_title(deck.title)
    pdf.set_creator(i18n._(cite.APP_NAME))
    width = pdf.w - 2 * pdf.l_margin

    def para(text, size, style="", dry=False):
        pdf.set_font("SSP", style, size)
        if dry:  # the height it would take (mm), nothing written
            return pdf.multi_cell(width, size * 0.45, text, dry_run=True, output="HEIGHT") + 1.5
        pdf.multi_cell(width, size * 0.45, text)
        pdf.ln(1.5)
        return 0.0

    pdf.add_page()
    pdf.ln(50)
    para(deck.title, 28, "B")
    para(cover_line(ds, len(slides)), 14)
    for i, s in enumerate(slides, 1):
        pdf.add_page()
        blocks = [(f"{i}. {s.title}", 20, "B"), (f"{s.figure_title} — {s.unit}", 13, "")]
        under = [(i18n._("Speaker note: {note}").format(note=s.speaker_note), 12, "I"), (s.source_line, 9, "")] + \
            [(export.note_line(n), 9, "") for n in s.notes] + \
            ([(misfit_line(s.notices), 9, "I")] if s.notices else [])
        text_h = sum(para(*b, dry=True) for b in blocks + under)
        # one page a slide: the chart takes what the text leaves (at most 100 mm tall)
        img_h = max(40.0, min(100.0, pdf.h - 2 * pdf.t_margin - text_h - 6))
        for b in blocks:
            para(*b)
        w_px, h_px = export.png_size(s.chart_png)
        img_w = min(width, img_h * w_px / h_px)
        pdf.image(io.BytesIO(s.chart_png), x=pdf.l_margin + (width - img_w) / 2, w=img_w)
        pdf.ln(2)
        for b in under:
            para(*b)
    pdf.add_page()
    para(i18n._("Sources"), 20, "B")
    for line in closing_lines(ds, slides, today):
        para(line, 10)
    return bytes(pdf.output())


FORMATS = {"pptx": pptx_bytes, "pdf": pdf_bytes}
MEDIA = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
         "pdf": "application/pdf"}


def file_name(deck: decks.Deck, fmt: str) -> str:
    return f"{export._slug(deck.id) or 'deck'}.{fmt}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m components.deck_files", description=__doc__.split("\n")[0])
    ap.add_argument("--deck", default=decks.DEFAULT_DECK, help="a deck id (data/decks/<id>.json) or a deck file")
    ap.add_argument("--format", choices=sorted(FORMATS), default="pptx")
    ap.add_argument("--lang", default="en", choices=i18n.LANGS, help="language of the slides and their texts")
    ap.add_argument("--out", default="", help="output file (default: <deck id>.<format>)")
    a = ap.parse_args(argv)
    from components.dataset import load
    from components.views import options_for

    try:
        deck = read_deck(a.deck)
    except decks.DeckError as exc:
        print(f"Cannot read the deck '{a.deck}': {exc}.", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    ds = load()
    with i18n.using(a.lang):  # the deck's own words (titles, speaker notes) stay as written in its file
        data = FORMATS[a.format](ds, options_for(ds), deck)
    out = Path(a.out or file_name(deck, a.format))
    out.write_bytes(data)
    print(f"{out}: {len(deck.slides)} slides, {len(data) / 1e6:.1f} MB, {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
