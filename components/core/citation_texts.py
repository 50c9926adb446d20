"""A source's citation in the reader's language: the publisher's names and titles as published, the project's
own words around them (its remarks in brackets, 'citing', 'n.d.', '2016 release') said in the language. Pure.

sources.csv `citation` is the record (English, built by etl/citation.py as 'Publisher (year). Title. URL').
The citation a reader sees is built again from the same parts with the language's form
(data/i18n/citation_texts.csv, field `form`); said in English it is the record, letter for letter. Inside the
publisher and the title, the project's remarks are templates of the same file (field `part`: a bracketed remark
or a release's tail, with named values as in components/core/source_texts.py; field `connector`: 'citing',
'via', … between two names). What no template says is the publisher's own text and stays as published.
A record whose citation is not its parts put together shows whole, marked as English in the reader's language.
"""

from __future__ import annotations

import re
from functools import cache

from components.core import i18n, source_texts
from etl.citation import _strip_notes, clean_year
from etl.paths import REPO_ROOT

CATALOGUE = REPO_ROOT / "data" / "i18n" / "citation_texts.csv"
FIELDS = ("form", "connector", "part")

# what a part's placeholder may hold (names, codes, numbers, dates as printed; a quoted title as published)
VALUES = {
    **source_texts.VALUES,
    "quoted": r"[^']+",
    "heading": r'[^"]+',
    "dmy": r"\d{2}[./]\d{2}[./]\d{4}",
    "section": r"\d+(?:\.\d+)*",
    "day": r"\d{1,2}",
    "slug": r"[a-z0-9-]+",
    "export": r"[A-Za-z0-9_.-]+\.xlsx",
}
_CONNECTOR = re.compile(r", (citing|quoting|via|reporting|publishing|republishing) ")
_PIECES = re.compile(
    r"(\([^()]*\)|, \d{1,2} April (?:19|20)\d\d$|, (?:19|20)\d\d release$|; heading read: \"[^\"]+\"$)"
)


@cache
def catalogue() -> dict[tuple[str, str], dict[str, str]]:
    """(field, id) -> {lang: text} from data/i18n/citation_texts.csv."""
    return source_texts.read_catalogue(CATALOGUE)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for (fld, tid), row in catalogue().items():
        if fld == "part" and row.get(i18n.DEFAULT):
            out.append((tid, source_texts.template_regex(row[i18n.DEFAULT], VALUES)))
    return tuple(out)


@cache
def match_part(text: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The `part` template id and the values of one remark (its text without brackets), or None."""
    return next(((tid, tuple(m.groupdict().items())) for tid, rx in _patterns() if (m := rx.fullmatch(text))), None)


def _said(field: str, tid: str, lang: str) -> str:
    row = catalogue().get((field, tid), {})
    return row.get(lang) or row[i18n.DEFAULT]


def _part(text: str, lang: str) -> str:
    hit = match_part(text)
    return _said("part", hit[0], lang).format(**dict(hit[1])) if hit else text


def words(text: str, lang: str | None = None) -> str:
    """A publisher's name or a title with the project's remarks and connecting words in `lang`."""
    lang = lang or i18n.lang()
    text = str(text or "")
    if lang == i18n.DEFAULT or not text:
        return text
    out = []
    for piece in _PIECES.split(text):
        if piece.startswith("(") and piece.endswith(")"):
            out.append("(" + _part(piece[1:-1], lang) + ")")
        elif match_part(piece.strip()):  # a release's tail, a heading read, a title the project wrote
            lead, core = piece[: len(piece) - len(piece.lstrip())], piece.strip()
            out.append(lead + _part(core, lang) + piece[len(lead) + len(core) :])
        else:  # the name itself; a connector between two names ('ERR, citing Statistics Estonia') said
            bits = _CONNECTOR.split(piece)
            said = [bits[0]]
            for word, rest in zip(bits[1::2], bits[2::2], strict=True):
                said.append(", " + _said("connector", word, lang) + " " + rest)
            out.append("".join(said))
    return "".join(out)


def _parts(rec: dict) -> dict[str, str] | None:
    """publisher, year, title, url of a record as its citation says them; None when the citation is not them."""
    text = str(rec.get("citation") or "").strip()
    pub = _strip_notes(rec.get("publisher", "")) or "Unknown publisher"
    title = (_strip_notes(rec.get("title", "")) or "untitled").rstrip(".")
    url = str(rec.get("url") or "").strip()
    head, tail = f"{pub} (", f"). {title}." + (f" {url}" if url else "")
    if not (text.startswith(head) and text.endswith(tail) and len(text) > len(head) + len(tail)):
        return None
    year = text[len(head) : len(text) - len(tail)]
    if year != clean_year(rec.get("date_published", "")) and not re.fullmatch(r"(19|20)\d\d", year):
        return None
    return {"publisher": pub, "year": year, "title": title, "url": url}


def citation(rec: dict, lang: str | None = None) -> str:
    """The record's citation in `lang` (the run's language by default); English: sources.csv `citation`."""
    lang = lang or i18n.lang()
    text = str(rec.get("citation") or "").strip()
    if lang == i18n.DEFAULT or not text:
        return text
    parts = _parts(rec)
    if parts is None:
        return i18n.translator(lang).gettext(i18n.UNTRANSLATED).format(text=text)
    form = _said("form", "dated_link" if parts["url"] else "dated", lang)
    year = _said("form", "no_date", lang) if parts["year"] == "n.d." else parts["year"]
    return form.format(
        publisher=words(parts["publisher"], lang), year=year, title=words(parts["title"], lang), url=parts["url"]
    )


def english(rec: dict) -> str:
    """The citation built again from its parts with the English form: equals sources.csv `citation`."""
    parts = _parts(rec)
    if parts is None:
        return ""
    form = _said("form", "dated_link" if parts["url"] else "dated", i18n.DEFAULT)
    return form.format(**parts)


def printed(rec: dict) -> tuple[str, ...]:
    """What a citation keeps as printed in every language: the publisher's own names between the project's
    words, the remarks' values (codes, files, quoted titles), the link."""
    parts = _parts(rec)
    if parts is None:
        return ()
    out: list[str] = [parts["url"]] if parts["url"] else []
    for text in (parts["publisher"], parts["title"]):
        for piece in _PIECES.split(text):
            inner = piece[1:-1] if piece.startswith("(") and piece.endswith(")") else piece.strip()
            if hit := match_part(inner):
                out += [v for _, v in hit[1] if re.search(r"[A-Za-z]", v)]
            else:
                out += [b for b in _CONNECTOR.split(inner) if b not in _CONNECTOR_WORDS and b.strip()]
    return tuple(x.strip(" ,;") for x in out if x.strip(" ,;"))


_CONNECTOR_WORDS = {"citing", "quoting", "via", "reporting", "publishing", "republishing"}
