"""Figures in the users' languages: titles, notes, tables, key facts and exports follow the view's `lang`;
numbers take the language's decimal sign and grouping on screen and in image files. On the real dataset: its
codebook's English is what data/i18n/codebook_labels.csv translates (the synthetic fixture's labels differ)."""

from __future__ import annotations

import json
import re

import pytest

from components.builders import build, facts
from components.builders.page_rows import options_for
from components.core import i18n
from components.core.dataset import load
from components.draw import files as ex
from components.view.state import ViewState

DS = load()
OPTS = options_for(DS)


def _main(lang: str, page: str, **fields):
    with i18n.using(lang):  # the text layer's language: a view has none
        return build(DS, ViewState(page=page, **fields), OPTS).main


def test_a_rate_reads_25_2_in_english_and_25_comma_2_in_latvian_on_screen_and_in_the_map_file():
    t = DS.table
    rate = t[
        (t["country"] == "EE")
        & (t["unit"] == "per_million")
        & (t["breakdown"] == "total")
        & t["preferred"]
        & t["single_year"]
        & (t["value"] % 1 > 0.05)
        & (t["value"] % 1 < 0.95)
    ].iloc[-1]
    view = dict(indicator=rate["indicator"], measure="per_million", period=rate["period"])
    en, lv = _main("en", "map", **view), _main("lv", "map", **view)
    ee_en = en.table.loc[en.table["Country"] == "Estonia", "Value"].iloc[0]
    ee_lv = lv.table.loc[lv.table["Country"] == "Igaunija", "Value"].iloc[0]
    assert re.fullmatch(r"\d+\.\d", ee_en) and ee_lv == ee_en.replace(".", ","), (ee_en, ee_lv)
    svg_en = ex.figure_svg(en, DS.meta, DS.sources).decode()
    with i18n.using("lv"):  # a download runs in the page's language
        svg_lv = ex.figure_svg(lv, DS.meta, DS.sources).decode()
    assert f">{ee_en}<" in svg_en and f">{ee_lv}<" in svg_lv and f">{ee_en}<" not in svg_lv
    # the geodata attribution in the language too, still the last thing said about the data (before the footer)
    assert ">Boundaries: Natural Earth" in svg_en and ">Robežas: Natural Earth" in svg_lv and "Boundaries" not in svg_lv
    lines = re.findall(r">([^<>]+)</tspan>|>([^<>]+)</text>", svg_lv)
    texts = [a or b for a, b in lines]
    at = next(i for i, x in enumerate(texts) if x.startswith("Robežas"))
    assert not any(x.startswith(("Note:", "Piezīme")) for x in texts[at:]), texts[at:]


def test_chart_axes_use_the_language_number_format():
    spec = _main("lt", "trends", indicator="victims")
    assert spec.spec["config"]["locale"]["number"]["decimal"] == ","
    assert "locale" not in _main("en", "trends", indicator="victims").spec["config"]


@pytest.mark.parametrize(
    "page,fields",
    [
        ("overview", {}),
        ("compare", {"breakdown": "exploitation"}),
        ("trends", {"chart": "chain"}),
        ("map", {}),
        ("check", {}),
        ("data", {}),
        ("methodology", {}),
    ],
)
def test_titles_notes_and_table_headers_follow_the_language(page, fields):
    fig_en, fig_ru = _main("en", page, **fields), _main("ru", page, **fields)
    assert fig_ru.title != fig_en.title
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", re.sub(r"\([^)]*\)|[A-Z_]{2,}\w*", "", fig_ru.title)), fig_ru.title
    assert fig_ru.alt_text != fig_en.alt_text
    ru = i18n.translator("ru")
    for note_en, note_ru in zip(fig_en.notes, fig_ru.notes):
        assert note_en != note_ru or not re.search("[a-z]{4}", note_en), note_ru
    if fig_en.table is not None and len(fig_en.table.columns):
        # headers stay English keys in the Figure; the screen and the files show them translated
        shown = [ru.gettext(c) for c in fig_en.table.columns if isinstance(c, str)]
        assert any(s != c for s, c in zip(shown, fig_en.table.columns))


def test_key_facts_are_written_in_the_language_with_its_numbers():
    fig = _main("lv", "compare", indicator="victims", period="2022", breakdown="total")
    with i18n.using("lv"):
        items = facts.facts(fig, DS)
        pasted = facts.with_citations(items, DS)
    assert items and all(f.text.startswith("2022. gadā ") and "upur" in f.text for f in items), [f.text for f in items]
    assert "Avoti:" in pasted and "datu kopas versija" in pasted


def test_an_exported_image_carries_the_translated_title_notes_and_footer():
    fig = _main("et", "compare", indicator="victims", breakdown="exploitation")
    with i18n.using("et"):
        spec = ex.figure_spec(fig, ex.footer_line(DS.meta))
    text = json.dumps(spec, ensure_ascii=False)
    assert fig.title.split(",")[0] in text and "Andmete seis" in text and "Data as of" not in text


def test_a_download_built_when_clicked_keeps_the_page_language():
    import threading

    from components.ui import share

    with i18n.using("lv"):
        make = share.in_language(lambda: ex.footer_line(DS.meta))
    out = []
    thread = threading.Thread(target=lambda: out.append(make()))  # another thread, no language of its own
    thread.start()
    thread.join()
    with i18n.using("lv"):
        assert out == [ex.footer_line(DS.meta)] and "Data as of" not in out[0]
