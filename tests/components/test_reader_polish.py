"""What a native reader found on the pages in et, lv, lt and ru (issue 29): each check on the real data."""

from __future__ import annotations

import pytest

from components.builders import trends
from components.builders.data import figures_display, filter_figures
from components.core import i18n, queries as q
from components.core.dataset import load
from components.view.fields import FIELDS
from etl.countries import BALTIC
from etl.paths import REPO_ROOT

LANGS = [lang for lang in i18n.LANGS if lang != i18n.DEFAULT]
# the columns the reader's language labels (the sources' titles and publishers stay in their own language)
LABELS = ["country_label", "period_label", "indicator_label", "Breakdown", "category_label", "Unit"]


@pytest.fixture(scope="module")
def real():
    return load(REPO_ROOT / "data")


@pytest.mark.parametrize("lang", LANGS)
def test_search_examples_are_the_readers_words_and_find_rows(real, lang):
    """The Data page's search box offers examples in the reader's language, and each finds rows by the labels
    in that language (not by a source's English title)."""
    field = FIELDS["search"]
    with i18n.using(lang):
        text = i18n._(field.placeholder)
        full = figures_display(real)
    examples = [e.strip() for e in text.split(" ", 1)[1].split(",")]  # after "e.g."
    labels = full[LABELS].fillna("").astype(str).agg(" ".join, axis=1).str.lower()
    for example in examples:
        assert len(filter_figures(full, ["EE", "LV", "LT"], search=example)), (lang, example)
        words = [w for w in example.lower().split() if not w.isdigit()]
        assert labels.map(lambda s, ws=words: all(w in s for w in ws)).any(), (lang, example)


def test_search_finds_russian_typed_without_yo(real):
    with i18n.using("ru"):
        full = figures_display(real)
    assert (
        len(filter_figures(full, ["EE", "LV", "LT"], search="осужденные"))
        == len(filter_figures(full, ["EE", "LV", "LT"], search="осуждённые"))
        > 0
    )


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_chain_table_rows_in_the_one_country_order(real, lang):
    """The justice chain's table starts with Estonia as its charts do, whatever the names sort to (ru: Латвия
    before Эстония)."""
    with i18n.using(lang):
        data = q.chain_data(real.table, real.codebook)
        table = q.chain_table(data, real.codebook)
        names = [real.codebook.country_label(c) for c in BALTIC]
    shown = list(dict.fromkeys(table["Country"]))
    assert shown == [n for n in names if n in shown], (lang, shown)
    for name in shown:  # years ascending within a country
        years = list(table.loc[table["Country"] == name, "Year"])
        assert years == sorted(years)


def _layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", []):
        out += _layers(layer) if "layer" in layer else [layer]
    return out


def _rows(spec: dict, layer: dict) -> list[dict]:
    return spec.get("datasets", {}).get(layer.get("data", {}).get("name"), [])


def test_withheld_diamond_at_zero_stands_clear_of_the_label(real):
    """Trends › Forms, Estonia: 2014's '<5' sits at 0; its diamond and its text are moved right of the axis, so
    they do not touch the year ('2014◆'); the diamonds at a bar's end stay where the bar ends."""
    with i18n.using("lt"):
        fig = trends.forms(real, "EE", "victims", 2012, 2022, False)
    spec = fig.spec
    diamonds = [la for la in _layers(spec) if isinstance(la["mark"], dict) and la["mark"].get("shape") == "diamond"]
    assert diamonds
    for layer in diamonds:
        assert layer["mark"]["xOffset"] == {"expr": "datum.off"}
        rows = _rows(spec, layer)
        assert any(r["x"] == 0 for r in rows)
        assert all((r["off"] > 0) == (r["x"] == 0) for r in rows), rows


@pytest.mark.parametrize("lang", ["et", "ru"])
def test_a_zero_is_written_not_left_blank(real, lang):
    """Trends › Forms, Estonia 2018: the figures used are 0 (a bar of no length): the chart writes '0' with the
    form, so a reader sees a real zero and not a missing year."""
    with i18n.using(lang):
        fig = trends.forms(real, "EE", "victims", 2012, 2022, False)
        form = real.codebook.category_label("exploitation", "labour")
    texts = [
        r
        for la in _layers(fig.spec)
        if (la["mark"] if isinstance(la["mark"], str) else la["mark"]["type"]) == "text"
        for r in _rows(fig.spec, la)
    ]
    zero = [r for r in texts if r.get("country_label") == "2018"]
    assert [r["label"].replace("\n", " ") for r in zero] == [f"0 ({form})"], zero


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_estonia_2022_fact_is_a_sentence_without_the_glued_note(real, lang):
    """The Estonia 2022 key fact says that the figure counts something different in a clause of its own
    language; the row's note (a fragment: 'very likely counts presumed victims …') is not glued into it (the
    page shows it as a note)."""
    from components.builders import build, facts as fx
    from components.builders.page_rows import options_for
    from components.view.state import ViewState

    options = options_for(real)
    with i18n.using(lang):
        fig = build(real, ViewState.from_query({}, options, "trends")[0], options).main
        name = real.codebook.country_label("EE")
        note = real.codebook.definition_note("EE", "victims", 2022)
        clause = i18n._("this figure counts something different, so it is not compared here")
        said = [f.text for f in fx.facts(fig, real) if name in f.text]
    assert note and len(said) == 1, said
    assert "; " + clause in said[0], said[0]
    assert note[:30].lower() not in said[0].lower(), said[0]
