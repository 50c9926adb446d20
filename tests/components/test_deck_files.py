"""Decks to take away (issue 16): PowerPoint and PDF from the same Figures as the Present page, reopened
and read back: slide/page count, one picture per chart slide, the speaker note in the notes pane, the source
line on the slide, nothing under the minimum type size, the closing citations with the dataset version."""

from __future__ import annotations

import io
import json

import pytest

from components import deck as decks
from components import deck_files
from components.dataset import load
from components.views import options_for

# a short deck (a line chart, a bar chart and the map) keeps the test fast; the shipped deck uses the same code
SYNTHETIC_DECK = {"id": "test-deck", "title": "Test deck (synthetic slides over the real data)", "slides": [
    {"page": "trends", "query": {"ind": "victims", "yr": "2010-2024"}, "title": "Victims over time",
     "note": "Speaker note one."},
    {"page": "compare", "query": {"per": "latest", "bd": "total"}, "title": "Latest year per country",
     "note": "Speaker note two."},
    {"page": "map", "query": {"ind": "victims", "per": "2022"}, "title": "On the map", "note": "Speaker note three."},
]}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("decks")
    (d / "test-deck.json").write_text(json.dumps(SYNTHETIC_DECK), encoding="utf-8")
    ds = load()
    deck = deck_files.read_deck(str(d / "test-deck.json"))
    return ds, options_for(ds), deck


def test_powerpoint_reopens_with_pictures_notes_and_sources(setup):
    from pptx import Presentation
    from pptx.util import Pt

    ds, opts, deck = setup
    prs = Presentation(io.BytesIO(deck_files.pptx_bytes(ds, opts, deck)))
    slides = list(prs.slides)
    assert len(slides) == 1 + len(deck.slides) + 1  # cover, one per deck slide, sources
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    for s, spec in zip(slides[1:-1], SYNTHETIC_DECK["slides"]):
        pics = [sh for sh in s.shapes if sh.shape_type == 13]
        assert len(pics) == 1
        p = pics[0]
        assert p.left >= 0 and p.top >= 0 and p.left + p.width <= prs.slide_width \
            and p.top + p.height <= prs.slide_height
        texts = [sh.text_frame.text for sh in s.shapes if sh.has_text_frame]
        assert texts[0] == spec["title"]
        assert any(t.startswith(("Source: ", "Sources: ")) for t in texts)
        assert spec["note"] in s.notes_slide.notes_text_frame.text
        for sh in s.shapes:
            if sh.has_text_frame:
                for para in sh.text_frame.paragraphs:
                    assert para.font.size is None or para.font.size >= Pt(deck_files.MIN_PT)
    closing = " ".join(sh.text_frame.text for sh in slides[-1].shapes if sh.has_text_frame)
    assert ds.meta.get("dataset_version", "unknown") in closing and "UNODC" in closing


def test_pdf_one_page_per_slide_with_titles_and_sources(setup):
    from pypdf import PdfReader

    ds, opts, deck = setup
    reader = PdfReader(io.BytesIO(deck_files.pdf_bytes(ds, opts, deck)))
    assert len(reader.pages) == 1 + len(deck.slides) + 1
    for page, spec in zip(reader.pages[1:-1], SYNTHETIC_DECK["slides"]):
        text = " ".join(page.extract_text().split())
        assert spec["title"] in text and spec["note"] in text
        assert "Source" in text
    assert "latest year per country" in " ".join(reader.pages[2].extract_text().split())
    assert ds.meta.get("dataset_version", "unknown") in reader.pages[-1].extract_text()


def test_command_line_writes_a_file_and_refuses_a_bad_deck(tmp_path, capsys):
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    assert deck_files.main(["--deck", str(bad), "--format", "pdf", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "Cannot read the deck" in capsys.readouterr().err
    assert deck_files.main(["--deck", "no-such-deck", "--out", str(tmp_path / "y.pptx")]) == 2
    assert not (tmp_path / "x.pdf").exists()


def test_a_shipped_deck_is_readable_by_id():
    deck = deck_files.read_deck(decks.DEFAULT_DECK)
    assert deck.slides and deck_files.file_name(deck, "pptx") == f"{decks.DEFAULT_DECK}.pptx"


def test_a_deck_carries_an_organisation_s_uploaded_figures_with_their_label(setup):
    """Issue 17: decks carry uploaded figures beside the official ones, labelled (synthetic upload)."""
    from components import overlay, uploads

    ds, options, _ = setup
    org = "Synthetic Shelter (deck test)"
    csv = ("country;period;indicator;breakdown;category;value;unit;organisation;source_or_note\n"
           f"EE;2021;victims;total;total;31;persons;{org};synthetic\n"
           f"LV;2022;victims;total;total;77;persons;{org};synthetic\n").encode("utf-8")
    mine = uploads.read(csv, "synthetic.csv", ds.codebook).rows
    deck, _ = decks.parse({"title": "Synthetic", "slides": [SYNTHETIC_DECK["slides"][0]]})
    plain = deck_files.contents(ds, options, deck)[0]
    ours = deck_files.contents(ds, options, deck,
                               decorate=lambda fig, page, values: overlay.beside(fig, mine, page, values, ds))[0]
    assert not any(org in n for n in plain.notes)
    assert any(org in n for n in ours.notes), ours.notes
    assert ours.chart_png != plain.chart_png  # the chart image draws them (their own mark)
    assert ours.source_ids == plain.source_ids  # never one of the official sources
