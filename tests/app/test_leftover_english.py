"""The leftover check: every page (and one Figure's files) in et, lv, lt and ru shows no English.

Every visible text is collected (markdown, captions, headings, notices, widget labels, help and options,
table headers and text cells, the charts' titles, subtitles and notes from their Vega-Lite specs) and each
English word is looked up in a list built from the English source texts: the interface's msgids and the data's
English texts (data/i18n/codebook_labels.csv, the notes of data/mapping/*). A word is allowed when the
language's own texts use it too (proper names, codes, "Eurostat", "PNG"), and the sources' own names (the
publishers' document titles stay in their language) are removed before the check. All offenders are reported at
once: (page, language, text, words).

Known cases left to other work are in KNOWN below, each with its reason; remove a line when it is fixed.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from functools import cache

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.core import citation_texts, cite, i18n, locations, pages as registry, source_texts
from etl.paths import REPO_ROOT
from tests.app.conftest import ROOT

# the real data's texts (notes, labels, sources) are what a reader sees: the check reads them, not the fixture's
DATA_DIR = REPO_ROOT / "data"


@pytest.fixture(autouse=True)
def synthetic_data(monkeypatch):
    """This check runs on the real data (overrides the suite's synthetic fixture)."""
    monkeypatch.setenv("THB_DATA_DIR", str(DATA_DIR))
    monkeypatch.chdir(ROOT)


LANGS = [lang for lang in i18n.LANGS if lang != i18n.DEFAULT]
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
# pages and the views each is opened with (Trends also as the chain of the justice process)
VIEWS = [(p.id, {}) for p in registry.PAGES] + [("trends", {"view": "chain"})]

# Words that are names or codes whatever the language (not in every catalogue's translations by chance).
NAMES = {
    "eurostat", "unodc", "glotip", "tip", "geonames", "naturalearth", "osm", "openstreetmap", "csv", "svg", "png",
    "pdf", "pptx", "xlsx", "json", "api", "url", "http", "https", "www", "iso", "cldr", "nuts", "eu", "eu27",
    "eu28", "ee", "lv", "lt", "ru", "et", "en", "vega", "lite", "streamlit", "baltic", "thb", "ngo", "ngos",
    "grevio", "greta", "osce", "odihr", "cbss", "iom", "ilo", "un", "us", "usa", "ok", "xls",
}  # fmt: skip

# Known English, left to other work (issue 29): (page or "*", a regex the text matches, why). Each is expected to be
# fixed by its own change; remove the line then (the check then guards it). Key-fact sentences (facts.py,
# fact_phrases.csv), the map's place names and /your-figures' templates are other changes' parts: none of them
# shows English the check finds today, so they have no line here.
KNOWN: list[tuple[str, str, str]] = []


def _words(text: str) -> set[str]:
    return {w.lower().strip("'’-") for w in WORD.findall(text or "")}


@cache
def _english_words() -> frozenset[str]:
    """Words of the English source texts: the catalogue's msgids and the data's English texts."""
    texts = [m.id for m in i18n.read_catalog("et") if isinstance(m.id, str) and m.id]
    texts += [m.id[1] for m in i18n.read_catalog("et") if isinstance(m.id, tuple)]
    with (REPO_ROOT / "data" / "i18n" / "codebook_labels.csv").open(encoding="utf-8") as fh:
        texts += [r["en"] for r in csv.DictReader(fh)]
    with (REPO_ROOT / "data" / "i18n" / "row_notes.csv").open(encoding="utf-8") as fh:
        texts += [r["en"] for r in csv.DictReader(fh)]  # the row notes' English (templates and curated texts)
    for name in ("series_breaks.csv",):
        p = REPO_ROOT / "data" / "mapping" / name
        if p.exists():
            texts += pd.read_csv(p, dtype=str).fillna("").select_dtypes("object").stack().tolist()
    for path in (DATA_DIR / "codebook").glob("*.csv"):
        texts += pd.read_csv(path, dtype=str).fillna("").stack().tolist()
    words = set().union(*(_words(re.sub(r"\{\w*\}", " ", t)) for t in texts))
    return frozenset(w for w in words if len(w) >= 3)


@cache
def _native_words(lang: str) -> frozenset[str]:
    """Words the language's own texts use (its translations, its codebook labels): never counted as English."""
    texts = [m.string for m in i18n.read_catalog(lang) if isinstance(m.string, str)]
    texts += [s for m in i18n.read_catalog(lang) if isinstance(m.string, tuple) for s in m.string]
    with (REPO_ROOT / "data" / "i18n" / "codebook_labels.csv").open(encoding="utf-8") as fh:
        texts += [r[lang] for r in csv.DictReader(fh)]
    for p in (REPO_ROOT / "data" / "i18n").glob("*.csv"):
        if p.name == "codebook_labels.csv":
            continue
        df = pd.read_csv(p, dtype=str).fillna("")
        if lang in df.columns:
            texts += df[lang].tolist()
    texts += list(i18n._territories(lang).values())  # CLDR's country names in the language ('India' in et)
    return frozenset(set().union(*(_words(re.sub(r"\{\w*\}", " ", t)) for t in texts)))


@cache
def _source_names() -> tuple[str, ...]:
    """The sources' own names and titles (they stay in the publisher's language), longest first."""
    names: set[str] = set()
    for path in {DATA_DIR / "sources.csv", REPO_ROOT / "data" / "sources.csv"}:
        if path.exists():
            df = pd.read_csv(path, dtype=str).fillna("")
            # the publishers' names, titles and citations (not the licence or copy notes: the project wrote those)
            for c in ("publisher", "title", "citation", "url", "copy_url", "source_id"):
                if c in df.columns:
                    names |= {" ".join(s.split()) for s in df[c] if len(s.strip()) >= 3}
            for rec in df.to_dict("records"):  # as the pages name them: 'Publisher: Title', a slide's short name
                names.add(" ".join(cite.source_name(rec["source_id"], df).split()))
                names.add(cite.short_name(rec))
                m = cite._RELEASE.match(cite.source_name(rec["source_id"], df))
                if m:  # the releases of one dataset, named once ('…, 2016, 2020–2023 releases')
                    names.add(m["head"])
                # a citation in the reader's language keeps the publisher's own names and titles as printed
                # (components/core/citation_texts.py)
                names |= {v for v in citation_texts.printed(rec) if len(v) >= 3}
                for lang in i18n.LANGS:  # a name cut to fit one line is cut from the name in the language
                    with i18n.using(lang):
                        names.add(" ".join(cite.source_name(rec["source_id"], df).split()))
            # the project's texts about a source keep hosts, repositories, files and codes as printed
            # (components/core/source_texts.py)
            for c in source_texts.FIELDS:
                if c in df.columns:
                    names |= {v for t in df[c].unique() for v in source_texts.printed(c, t) if len(v) >= 3}
    names |= set(i18n.ENDONYMS.values())  # the language picker names each language in its own name
    # where in a file a figure was read keeps what the publisher printed: a section's heading ('PROSECUTION'),
    # quoted words, file names, codes (components/core/locations.py)
    table = pd.read_csv(DATA_DIR / "harmonised" / "thb_baltic.csv", dtype=str, usecols=["source_location"])
    names |= {w for loc in table["source_location"].dropna().unique() for w in locations.printed(loc) if len(w) >= 3}
    return tuple(sorted(names, key=len, reverse=True))


def _strip_allowed(text: str, lang: str) -> str:
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+!<>|~.-])", r"\1", text)  # Markdown's escapes
    text = " ".join(text.split())
    marked = i18n.translator(lang).gettext(i18n.UNTRANSLATED).replace("{text}", "")
    if marked.strip() and text.endswith(marked.strip()):  # the original, marked as not yet translated: allowed
        return ""
    m = re.fullmatch(r"(.{12,})…", text)  # a source's name cut to fit one line (a select box's option)
    if m and any(n.startswith(m.group(1)) for n in _source_names()):
        return ""
    for name in _source_names():
        if name in text:
            text = text.replace(name, " ")
    # links, e-mail addresses, code spans and snake_case names (a file's column names are codes)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)  # a Markdown link's target
    text = re.sub(r"https?://\S+|(?<!\S)/[\w/?=&.%-]*|www\.\S+|\S+@\S+|`[^`]*`|\b\w+_\w+\b", " ", text)
    return text


@cache
def _codes() -> frozenset[str]:
    """The codebook's codes (indicators, units, breakdowns, categories, flags): a cell that is a code is a code."""
    out: set[str] = set()
    for path in (DATA_DIR / "codebook").glob("*.csv"):
        df = pd.read_csv(path, dtype=str).fillna("")
        for c in ("indicator", "unit", "breakdown", "category", "flag", "grade"):
            if c in df.columns:
                out |= set(df[c])
    return frozenset(out - {""})


def english_in(text: str, lang: str) -> list[str]:
    """The English words of `text` on a page in `lang` (source names, URLs and codes removed)."""
    if text.strip() in _codes():
        return []
    words = _words(_strip_allowed(text, lang))
    return sorted(w for w in words if w in _english_words() and w not in _native_words(lang) and w not in NAMES)


# ---------------------------------------------------------------- collecting what a reader sees
_FIELDS = (
    "body",
    "code_text",
    "label",
    "help",
    "placeholder",
    "caption",
    "text",
    "value",
    "options",
    "title",
    "subtitle",
)


def _proto_texts(msg, out: list[str]) -> None:
    for fd, v in msg.ListFields():
        if fd.name in ("spec", "data", "id", "key", "form_id", "url", "href", "page", "icon", "default", "arrow_data"):
            continue
        many = not isinstance(v, str) and hasattr(v, "__len__") and not hasattr(v, "ListFields")
        if fd.type == fd.TYPE_MESSAGE:
            for m in v if many else [v]:
                _proto_texts(m, out)
        elif fd.type == fd.TYPE_STRING and fd.name in _FIELDS:
            out += list(v) if many else [v]


def _spec_texts(spec, out: list[str], key: str = "") -> None:
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k in ("data", "datasets", "$schema", "field", "type", "scale", "value", "condition", "params", "expr"):
                continue
            _spec_texts(v, out, k)
    elif isinstance(spec, list):
        for v in spec:
            _spec_texts(v, out, key)
    elif isinstance(spec, str) and key in ("title", "subtitle", "text", "description", "notes", "note", "label"):
        out.append(spec)


def _table_texts(df: pd.DataFrame, out: list[str]) -> None:
    out += [str(c) for c in df.columns]
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            out += sorted({str(v) for v in df[c].dropna().head(200) if isinstance(v, str)})


def visible_texts(at: AppTest) -> list[str]:
    out: list[str] = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if children is not None:
            proto = getattr(node, "proto", None)
            if proto is not None:
                _proto_texts(proto, out)  # an expander's or tab's label
            for child in children.values():
                walk(child)
            return
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if kind in ("arrow_vega_lite_chart", "vega_lite_chart") and proto is not None:
            _spec_texts(json.loads(proto.spec or "{}"), out)
        elif kind in ("arrow_data_frame", "arrow_table", "dataframe", "table"):
            _table_texts(node.value, out)
        elif proto is not None:
            _proto_texts(proto, out)

    walk(at._tree)
    return [t for t in out if t and t.strip()]


def _known(page: str, text: str) -> str | None:
    return next((why for p, rx, why in KNOWN if p in ("*", page) and re.search(rx, text)), None)


def offenders_of(at: AppTest, page: str, lang: str) -> list[tuple[str, str, str, list[str]]]:
    out = []
    for text in dict.fromkeys(visible_texts(at)):
        words = english_in(text, lang)
        if words and not _known(page, text):
            out.append((page, lang, text[:160], words))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_on_any_page(lang):
    """One session per language; every page and the chain view; all offenders reported at once."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    found = []
    for page, params in VIEWS:
        if page != "overview" or params:
            at.switch_page(registry.page(page).file)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, (lang, page, [e.value for e in at.exception])
        found += offenders_of(
            at, page + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""), lang
        )
        for k in params:
            at.query_params.pop(k, None)
    report = "\n".join(f"{p} [{lg}] {words}: {text!r}" for p, lg, text, words in found)
    assert not found, f"{len(found)} texts with English in {lang}:\n{report}"


def test_a_figures_files_have_no_english_in_russian():
    """One Figure's CSV, SVG and PNG in Russian: the CSV's headers and text cells, the SVG's text nodes (the PNG
    is drawn from the same spec as the SVG)."""
    from components import store
    from components.draw import files
    from components.view.state import ViewState

    ds = store.dataset(DATA_DIR)
    opts = store.options(ds)
    with i18n.using("ru"):
        view, _ = ViewState.from_query({}, opts, "compare")
        fig = store.page_build(ds, view, opts).figures[0]
        csv_bytes = files.figure_csv(fig, ds.sources, ds.codebook)
        svg = files.figure_svg(fig, ds.meta, ds.sources).decode("utf-8")
        assert files.figure_png(fig, ds.meta, ds.sources)[:4] == b"\x89PNG"
    found = []
    texts: list[str] = []
    # the CSV's column names are the dataset's schema and its code columns codes (as in the data package; each
    # code has its label column beside it): the labels and the other text cells are checked
    df = pd.read_csv(io.BytesIO(csv_bytes), dtype=str)
    codes = {c for c in df.columns if f"{c}_label" in df.columns} | {"flags", "source_id", "grade", "status"}
    _table_texts(df.drop(columns=[c for c in codes if c in df.columns]), texts)
    texts = texts[len(df.columns) - len(codes & set(df.columns)) :]
    found += [
        ("csv", t, english_in(t, "ru")) for t in dict.fromkeys(texts) if english_in(t, "ru") and not _known("files", t)
    ]
    # the SVG's text nodes, its wrapped lines joined again (a source's title wraps across lines)
    svg_text = " ".join(html.unescape(t) for t in re.findall(r">([^<>]+)</(?:text|tspan)>", svg))
    if english_in(svg_text, "ru"):
        found.append(("svg", svg_text, english_in(svg_text, "ru")))
    assert not found, f"{len(found)} texts with English in the files:\n" + "\n".join(map(str, found))
