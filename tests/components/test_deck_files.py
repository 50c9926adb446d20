"""Decks to take away (issues 16 and 26): PowerPoint and PDF from the same Figures as the Present page, reopened
and read back. Every slide of every shipped deck and of a deck with the longest titles: every shape lies inside
the slide and each text box holds its text (measured in the font, with room for a wider fallback face); no text
under its stated size (title, chart title, source line; the chart's own text measured in its SVG at the size the
slide prints it); a short source line with the full citations in the notes and on the closing slides; the
justice chain's countries side by side; the map's geodata attribution on the map slide. A deck built in
Estonian and shown in Russian is in Russian. Deck files of any name work on the command line and with
`make deck`."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from components.builders.page_rows import options_for
from components.core import cite, i18n
from components.core.dataset import load
from components.decks import files as deck_files, layout as lay
from components.draw import geo
from components.view import deck as decks

ROOT = Path(__file__).resolve().parents[2]
EMU_PER_PT = 12700
MIN_PT = 14  # no text box on a slide is smaller (the source line's size, SOURCE_PT)

# a short deck (a line chart, a bar chart and the map) keeps the test fast; the shipped deck uses the same code
SYNTHETIC_DECK = {
    "id": "test-deck",
    "title": "Test deck (synthetic slides over the real data)",
    "slides": [
        {
            "page": "trends",
            "query": {"ind": "victims", "yr": "2010-2024"},
            "title": "Victims over time",
            "note": "Speaker note one.",
        },
        {
            "page": "compare",
            "query": {"per": "latest", "bd": "total"},
            "title": "Latest year per country",
            "note": "Speaker note two.",
        },
        {
            "page": "map",
            "query": {"ind": "victims", "per": "2022"},
            "title": "On the map",
            "note": "Speaker note three.",
        },
    ],
}
# the longest titles and notes a deck may have, on the slides with the most text (chain, map, shares)
LONG = "Wer " + "sehr lange Überschriften schreibt, prüft den Umbruch auf der Folie " * 3
LONG_DECK = {
    "title": ("A deck with the longest titles a deck can have " * 4)[: decks.MAX_TITLE],
    "slides": [
        {
            "page": "trends",
            "query": {"view": "chain", "yr": "2015-2024"},
            "title": LONG[: decks.MAX_TITLE],
            "note": ("A long speaker note. " * 40)[: decks.MAX_NOTE],
        },
        {
            "page": "map",
            "query": {"ind": "victims", "per": "2022", "m": "pm"},
            "title": ("W" * decks.MAX_TITLE),
            "note": "One word longer than a line.",
        },
        {
            "page": "compare",
            "query": {"ind": "victims", "per": "2022", "bd": "exploitation", "stack": "pct"},
            "title": (
                "Forms of exploitation as shares of the known categories in the three Baltic states in 2022, "
                "Estonia, Latvia and Lithuania"
            )[: decks.MAX_TITLE],
            "note": "",
        },
        {"page": "trends", "query": {"view": "forms", "one": "LV"}, "title": "", "note": ""},  # the chart's own title
    ],
}


@pytest.fixture(scope="module")
def real():
    ds = load()
    return ds, options_for(ds)


@pytest.fixture(scope="module")
def setup(tmp_path_factory, real):
    d = tmp_path_factory.mktemp("decks")
    (d / "test-deck.json").write_text(json.dumps(SYNTHETIC_DECK), encoding="utf-8")
    deck, problems = deck_files.read_deck(str(d / "test-deck.json"))
    assert problems == []
    return real[0], real[1], deck


def test_powerpoint_reopens_with_pictures_notes_and_sources(setup):
    from pptx import Presentation
    from pptx.util import Pt

    ds, opts, deck = setup
    prs = Presentation(io.BytesIO(deck_files.pptx_bytes(ds, opts, deck)))
    slides = list(prs.slides)
    assert len(slides) >= 1 + len(deck.slides) + 1  # cover, one per deck slide, the sources
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    for s, spec in zip(slides[1:], SYNTHETIC_DECK["slides"]):
        pics = [sh for sh in s.shapes if sh.shape_type == 13]
        assert len(pics) == 1
        texts = [sh.text_frame.text for sh in s.shapes if sh.has_text_frame]
        assert texts[0] == spec["title"]
        assert any(t.startswith(("Source: ", "Sources: ")) for t in texts)
        assert spec["note"] in s.notes_slide.notes_text_frame.text
        for sh in s.shapes:
            if sh.has_text_frame:
                for para in sh.text_frame.paragraphs:
                    assert para.font.size is None or para.font.size >= Pt(MIN_PT)
    closing = " ".join(
        sh.text_frame.text for s in slides[1 + len(deck.slides) :] for sh in s.shapes if sh.has_text_frame
    )
    assert ds.meta.get("dataset_version", "unknown") in closing and "UNODC" in closing


def test_the_handout_s_paragraphs_are_ragged_right(real, monkeypatch):
    """fpdf2 justifies by default: a title or a citation line before a long link then spread its words apart."""
    from fpdf import FPDF

    aligns = []
    original = FPDF.multi_cell

    def spy(self, *args, **kwargs):
        aligns.append(str(kwargs.get("align", "J")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FPDF, "multi_cell", spy)
    ds, opts = real
    deck_files.pdf_bytes(ds, opts, decks.load(decks.DEFAULT_DECK), slides=[])
    assert aligns and set(aligns) == {"L"}, aligns


def test_pdf_one_page_per_slide_with_titles_and_sources(setup):
    from pypdf import PdfReader

    ds, opts, deck = setup
    reader = PdfReader(io.BytesIO(deck_files.pdf_bytes(ds, opts, deck)))
    assert len(reader.pages) == 1 + len(deck.slides) + 1
    for page, spec in zip(reader.pages[1:-1], SYNTHETIC_DECK["slides"]):
        text = " ".join(page.extract_text().split())
        assert spec["title"] in text and spec["note"] in text
        assert "Source" in text
    assert ds.meta.get("dataset_version", "unknown") in reader.pages[-1].extract_text()
    assert "Natural Earth" in " ".join(reader.pages[3].extract_text().split())  # the map page's attribution


# ------------------------------------------------------------------ slides that fit and read (issue 26)


def _shapes_pt(shape):
    return (shape.left / EMU_PER_PT, shape.top / EMU_PER_PT, shape.width / EMU_PER_PT, shape.height / EMU_PER_PT)


def _check_slides(prs, contents):
    """Every shape inside the slide; no two shapes overlap; each text box holds its text at its size (measured
    with the room for a fallback font) and no text under MIN_PT; each chart slide's picture is its layout's
    chart box, whose chart prints its smallest text at CHART_MIN_PT or more (measured in the chart's SVG)."""
    from pptx.util import Pt

    W, H = prs.slide_width / EMU_PER_PT, prs.slide_height / EMU_PER_PT
    assert (round(W), round(H)) == (deck_files.SLIDE_W, deck_files.SLIDE_H)
    for n, slide in enumerate(prs.slides, 1):
        boxes = []
        for sh in slide.shapes:
            x, y, w, h = _shapes_pt(sh)
            assert x >= 0 and y >= 0 and x + w <= W + 0.5 and y + h <= H + 0.5, (n, sh.name, x, y, w, h)
            boxes.append((x, y, w, h))
            if sh.has_text_frame:
                tf = sh.text_frame
                assert tf.word_wrap and (tf.margin_left, tf.margin_right, tf.margin_top) == (0, 0, 0)
                need = 0.0
                for para in tf.paragraphs:
                    size = para.font.size.pt
                    assert para.font.size >= Pt(MIN_PT), (n, para.text[:40], size)
                    need += lay.lines_height(len(lay.wrap(para.text, size, w, "B" if para.font.bold else "")), size)
                    need += para.space_after.pt if para.space_after is not None else 0
                assert need <= h + 0.5, (n, tf.text[:60], need, h)
        for i, a in enumerate(boxes):  # nothing drawn over anything else
            for b in boxes[i + 1 :]:
                overlap_x = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
                overlap_y = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
                assert overlap_x <= 0.5 or overlap_y <= 0.5, (n, a, b)
    for slide, content in zip(list(prs.slides)[1:], contents):
        pic = next(sh for sh in slide.shapes if sh.shape_type == 13)
        texts, chart, fitted = deck_files.slide_layout(content)
        assert [round(v) for v in _shapes_pt(pic)] == [round(v) for v in (chart.x, chart.y, chart.w, chart.h)]
        svg = lay._svg(fitted.spec)
        px_to_pt = chart.w / deck_files.export.svg_size(svg)[0]
        smallest = min(lay.svg_font_sizes(svg)) * px_to_pt
        assert smallest >= deck_files.CHART_MIN_PT - 0.05, (content.title, smallest)


# a 1×1 PNG: the layout tests read positions and sizes, not pixels (the tests above render the real charts)
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8ffff3f030008fc02fea79aa0a00000000049454e44ae426082"
)


@pytest.fixture(scope="module", params=decks.available() + ["long-titles"])
def built(request, real):
    """A deck's PowerPoint and its slides' contents (shipped decks in English, the long one in Russian)."""
    from pptx import Presentation

    ds, opts = real
    if request.param == "long-titles":
        deck, lang = decks.parse(LONG_DECK)[0], "ru"
    else:
        deck, lang = decks.load(request.param), "en"
    with i18n.using(lang), pytest.MonkeyPatch.context() as mp:
        mp.setattr(lay, "chart_png", lambda fitted, dpi=150: TINY_PNG)
        contents = deck_files.contents(ds, opts, deck)
        data = deck_files.pptx_bytes(ds, opts, deck, slides=contents)
    return deck, lang, Presentation(io.BytesIO(data)), contents


def test_every_shape_lies_inside_the_slide_and_every_text_is_readable(built):
    deck, lang, prs, contents = built
    _check_slides(prs, contents)


def test_a_slide_has_a_short_source_line_and_the_full_citations_in_its_notes_and_at_the_end(built):
    deck, lang, prs, contents = built
    slides = list(prs.slides)
    closing = " ".join(
        sh.text_frame.text for s in slides[1 + len(deck.slides) :] for sh in s.shapes if sh.has_text_frame
    )
    with i18n.using(lang):
        heads = (i18n._("Source: {names}").format(names=""), i18n._("Sources: {names}").format(names=""))
    for slide, content in zip(slides[1:], contents):
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        source = next(t for t in texts if t.startswith(heads))
        assert len(source) <= cite.SHORT_SOURCE_CHARS + 2, source  # one or two lines, never five
        assert source == content.source_line
        notes = slide.notes_slide.notes_text_frame.text
        for full in content.sources_full:
            assert full in notes and full in closing
    assert (
        any("more, listed at the end" in c.source_line for c in contents)
        or lang != "en"
        or all(len(c.source_ids) <= 3 for c in contents)
    )


def test_the_map_slide_carries_the_geodata_attribution(built):
    deck, lang, prs, contents = built
    with i18n.using(lang):
        credit = geo.attribution()
    maps = [i for i, s in enumerate(deck.slides) if s.page == "map"]
    assert maps
    for i in maps:
        texts = [sh.text_frame.text for sh in list(prs.slides)[1 + i].shapes if sh.has_text_frame]
        assert credit in texts
        assert all(w in credit for w in ("Natural Earth", "NUTS", "GeoNames", "CC BY"))


def test_the_justice_chain_stands_side_by_side(built):
    deck, lang, prs, contents = built
    for s, content in zip(deck.slides, contents):
        if s.query.get("view") == "chain":
            assert len(content.spec["hconcat"]) == 3 and "vconcat" not in content.spec


def test_the_handout_prints_its_charts_readably(real):
    """The PDF handout's chart takes the room its page's texts leave; with no room left (the longest notes) its
    smallest text still prints at PDF_CHART_MIN_PT (a hand-held page): the notes run on instead."""
    ds, opts = real
    deck = decks.parse(LONG_DECK)[0]
    for content in deck_files.contents(ds, opts, deck)[:2]:
        for room in (0, 300):
            fitted = deck_files.handout_chart(content.spec, 842 - 68, room)
            assert fitted.text_pt >= deck_files.PDF_CHART_MIN_PT - 0.05 and fitted.width <= 842 - 68 + 0.5


# ------------------------------------------------------------------ a deck has no language; a showing has one


def test_a_deck_built_in_estonian_is_shown_in_russian(real):
    """Added on Estonian pages (no slide title of its own, the default deck title saved in Estonian), one slide
    copied from a shipped deck, one typed title: exported in Russian, every slide's title, chart title, unit,
    source line and the cover are Russian; the typed title stays as typed."""
    from pptx import Presentation
    from pypdf import PdfReader

    ds, opts = real
    shipped = decks.load(decks.DEFAULT_DECK).slides[0]
    with i18n.using("et"):
        saved = {
            "title": i18n._(decks.DEFAULT_TITLE),
            "slides": [
                {
                    "page": "compare",
                    "query": {"ind": "victims", "per": "2021", "bd": "exploitation"},
                    "title": "",
                    "note": "",
                },
                {
                    "page": "map",
                    "query": {"ind": "victims", "per": "2022", "m": "pm", "lang": "et"},
                    "title": "",
                    "note": "",
                },
                {"page": shipped.page, "query": shipped.query, "title": shipped.title, "note": shipped.note},
                {"page": "trends", "query": {"view": "chain"}, "title": "Õigusahel meie koolitusel", "note": ""},
            ],
        }
    deck, problems = decks.from_bytes(json.dumps(saved, ensure_ascii=False).encode("utf-8"))
    assert problems == []
    with i18n.using("ru"):
        contents = deck_files.contents(ds, opts, deck)
        prs = Presentation(io.BytesIO(deck_files.pptx_bytes(ds, opts, deck, slides=contents)))
        pdf = PdfReader(io.BytesIO(deck_files.pdf_bytes(ds, opts, deck, slides=contents)))
        wanted = i18n._(decks.DEFAULT_TITLE)
        russian_shipped = i18n._(shipped.title)
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    slides = list(prs.slides)
    assert slides[0].shapes[0].text_frame.text == wanted == "Мой набор слайдов"
    titles = [s.shapes[0].text_frame.text for s in slides[1 : 1 + len(deck.slides)]]
    assert titles[0] == contents[0].figure_title and cyrillic.search(titles[0])  # the chart's own, in Russian
    assert titles[1] == contents[1].figure_title and cyrillic.search(titles[1])
    assert titles[2] == russian_shipped == "Зарегистрированные жертвы по годам"
    assert titles[3] == "Õigusahel meie koolitusel"  # typed: as typed
    for slide, c in zip(slides[1:], contents):
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        assert cyrillic.search(texts[1]) and cyrillic.search(c.unit), texts[1]  # chart title and unit
        assert texts[2].startswith(("Источник: ", "Источники: ")), texts[2]
        assert "Minu" not in " ".join(texts) and "slaidikomplekt" not in " ".join(texts)
    assert contents[2].speaker_note.startswith("Это жертвы")
    pages = [" ".join(p.extract_text().split()) for p in pdf.pages]
    assert "Мой набор слайдов" in pages[0] and "Зарегистрированные жертвы по годам" in pages[3]
    assert not any("Minu slaidikomplekt" in p for p in pages)
    _check_slides(prs, contents)


# ------------------------------------------------------------------ the command line: any file name


def _deck_file(directory: Path, name: str, data: dict | None = None) -> Path:
    path = directory / name
    path.write_text(
        json.dumps(data or {"title": "", "slides": [SYNTHETIC_DECK["slides"][1]]}, ensure_ascii=False), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    "name",
    [
        "ru_my-deck.json",
        "my-deck (1).json",
        "Мой доклад.json",
        "my deck.json",
        'it\'s "mine" $HOME `id`.json',
        "deck-without-extension",
    ],
)
def test_any_file_name_is_a_deck_file(tmp_path, name):
    deck, problems = deck_files.read_deck(str(_deck_file(tmp_path, name)))
    assert problems == [] and len(deck.slides) == 1
    assert deck_files.default_out(str(tmp_path / name), deck, "pptx") == Path(Path(name).stem + ".pptx")


@pytest.mark.parametrize(
    "content,words",
    [
        (b"{not json", "not JSON"),
        (b"\x89PNG\r\n\x1a\n", "not JSON"),
        (b"[1, 2]", "not a deck"),
        (b'{"title": "x", "slides": [{"page": "nowhere", "title": "x"}]}', "None of its slides"),
        (b" " * 70_000, "too large"),
    ],
)
def test_a_file_that_is_not_a_deck_gets_a_clear_error(tmp_path, capsys, content, words):
    bad = tmp_path / "my-deck (2).json"
    bad.write_bytes(content)
    assert deck_files.main(["--deck", str(bad), "--format", "pdf", "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Cannot read the deck '{bad}':") and words in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_command_line_errors_name_what_is_wrong(tmp_path, capsys):
    assert deck_files.main(["--deck", "no-such-deck", "--out", str(tmp_path / "y.pptx")]) == 2
    assert "no shipped deck 'no-such-deck' (shipped: baltic-overview, frontline-staff)" in capsys.readouterr().err
    assert deck_files.main(["--deck", str(tmp_path / "missing deck.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert deck_files.main(["--deck", str(tmp_path)]) == 2
    assert "not a file" in capsys.readouterr().err


def test_a_shipped_deck_is_readable_by_id():
    deck, problems = deck_files.read_deck(decks.DEFAULT_DECK)
    assert deck.slides and not problems and deck_files.file_name(deck, "pptx") == f"{decks.DEFAULT_DECK}.pptx"


def test_make_deck_takes_any_file_name(tmp_path):
    """The Makefile passes the names through the environment: quotes, spaces, brackets, `$` and backticks in a
    file name reach the program as they are (a one-slide deck as a PDF, in Lithuanian)."""
    name = 'my-deck (1) it\'s "Мой" `id` $HOME.json'
    src = _deck_file(tmp_path, name)
    out = tmp_path / "out put (1).pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DECK", "OUT", "FORMAT", "DECK_LANG", "MAKEFLAGS")}
    run = subprocess.run(
        ["make", "-s", "deck", f"DECK={src}", "FORMAT=pdf", "DECK_LANG=lt", f"OUT={out}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
    bad = _deck_file(tmp_path, "not a deck (1).json", {"hello": "world"})
    run = subprocess.run(
        ["make", "-s", "deck", f"DECK={bad}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode != 0 and "It is not a deck" in run.stderr and "Traceback" not in run.stderr


def test_a_deck_carries_an_organisation_s_uploaded_figures_with_their_label(setup):
    """Issue 17: decks carry uploaded figures beside the official ones, labelled (synthetic upload)."""
    from components.uploads import overlay, read as uploads

    ds, options, _ = setup
    org = "Synthetic Shelter (deck test)"
    csv = (
        "country;period;indicator;breakdown;category;value;unit;organisation;source_or_note\n"
        f"EE;2021;victims;total;total;31;persons;{org};synthetic\n"
        f"LV;2022;victims;total;total;77;persons;{org};synthetic\n"
    ).encode()
    mine = uploads.read(csv, "synthetic.csv", ds.codebook).rows
    deck, _ = decks.parse({"title": "Synthetic", "slides": [SYNTHETIC_DECK["slides"][0]]})
    plain = deck_files.contents(ds, options, deck)[0]
    ours = deck_files.contents(
        ds, options, deck, decorate=lambda fig, page, values: overlay.beside(fig, mine, page, values, ds)
    )[0]
    assert not any(org in n for n in plain.notes)
    assert any(org in n for n in ours.notes), ours.notes
    assert json.dumps(ours.spec) != json.dumps(plain.spec) and org in json.dumps(ours.spec, ensure_ascii=False)
    assert ours.source_ids == plain.source_ids  # never one of the official sources
