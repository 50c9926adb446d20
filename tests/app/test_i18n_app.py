"""Languages in the app: a link's lang= opens the page in that language, a bad one falls back with a notice,
the browser's language chooses when the link has none, and every page renders in every language."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from components.core import i18n, pages as registry
from components.ui import language
from components.view.fields import FIELDS
from tests.app.conftest import ROOT, assert_ok


def _open(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page != "overview":
        at.switch_page(registry.page(page).file)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def _lang(at: AppTest):
    v = at.query_params.get("lang")
    return v[0] if isinstance(v, list) and v else v


def _labels(at: AppTest) -> set:
    return {w.label for kind in ("selectbox", "multiselect", "toggle", "slider") for w in getattr(at, kind)}


def test_lang_lv_in_a_link_opens_the_page_in_latvian():
    at = _open("compare", {"lang": "lv"})
    assert_ok(at)
    labels = _labels(at)
    assert {"Valstis", "Rādītājs", "Gads vai periods", "Sadalījums"} <= labels, labels
    assert "Countries" not in labels
    assert i18n.PICKER_LABEL in labels  # the picker reads the same in every language
    sidebar = " ".join(m.value for m in at.sidebar.markdown) + " ".join(c.value for c in at.sidebar.caption)
    assert "Cilvēku tirdzniecība — Igaunija, Latvija, Lietuva" in sidebar
    assert "Kā citēt" in " ".join(c.value for c in at.caption)
    assert [b.label for b in at.sidebar.button if b.key == "reset_view"] == ["Atiestatīt šo skatu"]
    # codebook labels in the widgets: countries (CLDR) and the indicator
    countries = next(w for w in at.multiselect if w.label == "Valstis")
    assert countries.format_func("LV") == "Latvija"
    bd = next(w for w in at.selectbox if w.label == "Sadalījums")
    assert bd.format_func("total") == "Kopā (bez sadalījuma)"
    # the synthetic fixture labels 'victims' differently from data/codebook: its own English shows, never a
    # translation of another text
    ind = next(w for w in at.selectbox if w.label == "Rādītājs")
    assert ind.format_func("victims") == "Registered victims"
    assert _lang(at) == "lv"  # kept in the link the page writes


def test_page_titles_are_in_the_catalogues():
    """Navigation titles are the registry's titles shown through the catalogue (app.py: `_(p.title)`)."""
    lt = i18n.translator("lt")
    titles = {p.id: lt.gettext(p.title) for p in registry.PAGES}
    assert titles["overview"] == "Apžvalga" and titles["check"] == "Patikrinti skaičių"
    assert all(titles[p.id] != p.title for p in registry.PAGES)


def test_a_bad_lang_falls_back_with_a_notice():
    at = _open("compare", {"lang": "xx"})
    assert_ok(at)
    notes = " ".join(i.value for i in at.info)
    assert "Ignored language 'xx'" in notes and "English" in notes
    assert "Countries" in _labels(at)
    assert _lang(at) is None


def test_the_browser_language_chooses_when_the_link_has_none(monkeypatch):
    monkeypatch.setattr(language, "_browser_locale", lambda: "ru-RU")
    at = _open("compare")
    assert_ok(at)
    assert "Страны" in _labels(at)
    assert _lang(at) == "ru"
    monkeypatch.setattr(language, "_browser_locale", lambda: "de-DE")
    at = _open("compare")
    assert "Countries" in _labels(at) and _lang(at) is None


def test_the_picker_switches_the_language_and_the_link():
    at = _open("compare")
    picker = next(w for w in at.sidebar.selectbox if w.label == i18n.PICKER_LABEL)
    picker.set_value("et").run()
    assert_ok(at)
    assert "Riigid" in _labels(at) and _lang(at) == "et"
    at.switch_page(registry.page("trends").file).run()  # a page switch keeps the language
    assert_ok(at)
    assert "Aastad" in _labels(at) and _lang(at) == "et"
    picker = next(w for w in at.sidebar.selectbox if w.label == i18n.PICKER_LABEL)
    picker.set_value("en").run()
    assert "Years" in _labels(at) and _lang(at) is None


def _english_fragments(lang: str) -> list[str]:
    """Pieces of English text that must not show on a page in `lang`: each catalogue message's longest literal
    part (between placeholders) of at least four words whose translation differs."""
    out = []
    for m in i18n.read_catalog(lang):
        if not m.id or isinstance(m.id, tuple):
            continue
        parts = [p.strip(" .,:;()*") for p in re.split(r"\{\w*\}|\*\*|\n", m.id)]
        longest = max(parts, key=len, default="")
        if len(longest.split()) >= 4 and m.string and longest not in m.string:
            out.append(longest)
    return out


def _page_text(at: AppTest) -> str:
    """What a reader sees: headings, text, notices, widget and expander labels, metrics, and the charts'
    titles, subtitles, axis and legend texts (from their specs)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [
        str(e.label)
        for kind in ("button", "expander", "metric", "toggle", "selectbox", "multiselect")
        for e in getattr(at, kind)
    ]
    for chart in at.get("arrow_vega_lite_chart"):
        spec = json.loads(chart.proto.spec or "{}")
        title = spec.get("title") or {}
        parts += [json.dumps(title, ensure_ascii=False), json.dumps(spec.get("usermeta", {}), ensure_ascii=False)]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGS if lang != i18n.DEFAULT])
def test_every_page_renders_in_every_language(lang):
    """One session per language, one run per page (English: the rest of the suite)."""
    at = _open("overview", {"lang": lang})
    t = i18n.translator(lang)
    english = _english_fragments(lang)
    untranslated_english = {m.id for m in i18n.read_catalog(lang) if isinstance(m.id, str) and m.string != m.id}
    for spec in registry.PAGES:
        if spec.id != "overview":
            at.switch_page(spec.file).run()
        assert not at.exception, (lang, spec.id, [e.value for e in at.exception])
        assert not at.error, (lang, spec.id, [e.value for e in at.error])
        labels = {w.label for w in at.sidebar.selectbox}
        assert i18n.PICKER_LABEL in labels, (lang, spec.id)
        assert _lang(at) == lang, (lang, spec.id)
        if spec.id != "present":  # the page's title in the language (a deck's own title is the deck's)
            assert at.title and at.title[0].value not in untranslated_english, (lang, spec.id, at.title[0].value)
        text = _page_text(at)
        left = [e for e in english if e in text]
        assert not left, (lang, spec.id, left[:5])
        for f in spec.fields:  # the page's own widget labels are in the language
            if f in ("lang", "figure", "deck", "slide"):
                continue
            label = FIELDS[f].label
            assert label not in _labels(at) or t.gettext(label) == label, (lang, spec.id, label)


def test_methodology_says_which_languages_are_reviewed():
    at = _open("methodology", {"lang": "lv"})
    assert_ok(at)
    text = " ".join(m.value for m in at.markdown)
    assert "**Latviešu** (lv): tulkojuma melnraksts, dzimtās valodas runātājs vēl nav pārskatījis" in text
    assert "**English** (en): valoda, kurā teksti ir rakstīti" in text
    assert "Valodas" in [h.value for h in at.header]
