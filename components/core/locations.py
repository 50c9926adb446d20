"""Where in a publisher's file a figure was read (the table's `source_location`), in the reader's language. Pure.

The ETL writes a location in English from a small vocabulary: "sheet data_glotip_1, row 15098", "PROSECUTION
section, para 2", "summary bullet 2", "p. 12", "population: tps00001.tsv.gz row 'JAN,LV', column 2020; latest
Eurostat vintage read here for this year". A location is parsed into its pieces, and each piece is said by its
language's template in `data/i18n/locations.csv` (`id`, one column per language, named placeholders): "15098.
rinda", "jaotis „PROSECUTION“". What the publisher printed stays as printed: a section's heading
('PROSECUTION'), quoted words ("('formally identified')"), file names, sheet names and codes.

A location with any free text outside the vocabulary (a researcher's remark: "(CONFLICT: TIP 2019 says 4 for
2018)") is shown whole as the original, marked as English in the reader's language (never half translated):
`parse` returns None for it, and `coverage` counts how many locations parse fully.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from components.core import i18n
from etl.paths import REPO_ROOT

CATALOGUE = REPO_ROOT / "data" / "i18n" / "locations.csv"

# ---------------------------------------------------------------- the vocabulary
# A piece: (id, regex over the English). Its English template (locations.csv `en`) says it again from the named
# groups, so that a parsed location written back in English is the original (tested).
_NAME = r"[A-Za-z0-9_.-]+"
_Q = r"'[^']+'|\"[^\"]+\""  # words quoted as printed by the publisher
_FILE = r"[A-Za-z0-9_-]+\.(?:tsv\.gz|tsv|csv|xlsx|xls|pdf)"

ITEMS: tuple[tuple[str, str], ...] = (
    ("sheet", rf"sheet (?P<name>{_NAME})"),
    ("row", r"row (?P<n>\d+)"),
    ("file_row", rf"(?P<file>{_FILE}) row (?P<key>'[^']+')"),
    ("file_line", rf"(?P<file>{_FILE}) line (?P<key>geo=[A-Z0-9_]+, TIME_PERIOD=\d{{4}})"),
    ("column", r"column (?P<n>\d+)"),
    ("para", r"para (?P<n>\d+)"),
    ("last_para", r"last para(?:graph)?"),
    ("page", r"(?:p\.|page) (?P<n>\d+)"),
    ("heading_section", r"(?P<name>[A-Z][A-Za-z]+) section"),
    ("section_quoted", rf"section (?P<name>{_Q})"),
    ("section_number", r"section (?P<n>\d+(?:\.\d+)*)"),
    ("summary_bullet", r"summary bullet (?P<n>\d+)"),
    ("bullet", r"bullet (?P<n>\d+)"),
    ("summary_paragraph", r"summary paragraph"),
    ("summary", r"summary"),
    ("country_heading", r"country heading"),
    ("same_table", r"same table"),
    ("same_paragraph", r"same paragraph"),
    ("same_sentence", r"same sentence"),
    ("same", r"same"),
    ("news_text", r"news text"),
    ("news_item", r"news item"),
    ("press_release", r"press release"),
    ("article", r"article"),
    ("article_body", r"article body"),
    ("lead_sentence", r"lead sentence"),
    ("key_achievements", r"key achievements list"),
    ("figure_dataset", r"Figure (?P<n>\d+) source dataset (?P<code>[a-z0-9_]+)"),
    ("source_dataset", r"source dataset (?P<code>[a-z0-9_]+)"),
    ("latest_vintage", r"latest Eurostat vintage read here for this year"),
    ("older_vintage", r"OLDER VINTAGE, superseded by (?P<value>\d+) in (?P<code>[A-Z0-9_]+)"),
    ("geo_eu27_2020", r"geo EU27_2020 = European Union, 27 countries \(from 2020\)"),
)
# a remark in brackets after a piece
REMARKS: tuple[tuple[str, str], ...] = (
    ("quoted", rf"\((?P<q>{_Q})\)"),
    ("printed_as_word", rf"\(printed as word (?P<q>{_Q})\)"),
    ("last_update", r"\(LAST UPDATE (?P<date>\d\d/\d\d/\d\d)\)"),
    ("flags", r"\(flag (?P<flags>'[a-z]' = [a-z ]+(?:; '[a-z]' = [a-z ]+)*)\)"),
    ("reporting_period", r"\(reporting-period figure\)"),
    ("reporting_period_vs", r"\(reporting-period figure; compared with (?P<year>\d{4})\)"),
    ("report_year_inferred", r"\(report year inferred\)"),
)
# a flag's meaning as the ETL writes it (inside "(flag 'b' = break in time series; 'e' = estimated)")
FLAG_MEANINGS = {
    "break in time series": "flag_break",
    "break in series": "flag_break_short",
    "estimated": "flag_estimated",
    "provisional": "flag_provisional",
}
PREFIXES = (("population", "population: "),)
TEMPLATE_IDS = (
    tuple(i for i, _ in ITEMS)
    + tuple(i for i, _ in REMARKS)
    + tuple(dict.fromkeys(FLAG_MEANINGS.values()))
    + ("flag_item",)
    + tuple(i for i, _ in PREFIXES)
)

_ITEM_RX = [(i, re.compile(rx)) for i, rx in ITEMS]
_REMARK_RX = [(i, re.compile(rx)) for i, rx in REMARKS]
_TRAILING = re.compile(r"^(?P<head>.*?)(?P<remarks>(?: \([^()]*(?:\([^()]*\)[^()]*)*\))*)$")


@dataclass(frozen=True)
class Piece:
    """One word of the vocabulary with its values ('row', {'n': '15098'}), or a separator (id '')."""

    id: str
    values: tuple[tuple[str, str], ...] = ()
    text: str = ""  # a separator's text: ', ', '; ', ' | '


def _split(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside brackets and quotes."""
    out, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        c = text[i]
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"" and (i == 0 or not text[i - 1].isalnum()):
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(sep, i):
            out.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    out.append(text[start:])
    return out


def _item(text: str) -> list[Piece] | None:
    """One piece with its remarks in brackets ("summary bullet 4 (printed as word 'četras')")."""
    whole = next((Piece(i, tuple(x.groupdict().items())) for i, rx in _ITEM_RX if (x := rx.fullmatch(text))), None)
    if whole is not None:  # a piece whose own words end in brackets ('… 27 countries (from 2020)')
        return [whole]
    m = _TRAILING.match(text)
    if not m:
        return None
    head, remarks = m["head"], m["remarks"]
    piece = next((Piece(i, tuple(x.groupdict().items())) for i, rx in _ITEM_RX if (x := rx.fullmatch(head))), None)
    if piece is None:
        return None
    out = [piece]
    for rem in re.findall(r" (\([^()]*(?:\([^()]*\)[^()]*)*\))", remarks):
        hit = next((Piece(i, tuple(x.groupdict().items())) for i, rx in _REMARK_RX if (x := rx.fullmatch(rem))), None)
        if hit is None:
            return None
        if hit.id == "flags":
            pairs = [p.split(" = ", 1) for p in dict(hit.values)["flags"].split("; ")]
            if any(meaning not in FLAG_MEANINGS for _, meaning in pairs):
                return None
            hit = Piece("flags", (("flags", "; ".join(f"{code}\x1f{FLAG_MEANINGS[m]}" for code, m in pairs)),))
        out += [Piece("", text=" "), hit]
    return out


def _clause(text: str) -> list[Piece] | None:
    whole = _item(text)  # a piece whose own text has a comma ("OLDER VINTAGE, superseded by …")
    if whole is not None:
        return whole
    out: list[Piece] = []
    for k, part in enumerate(re.split(r", (?!TIME_PERIOD=|superseded by |27 countries)", text)):
        pieces = _item(part)
        if pieces is None:
            return None
        out += ([Piece("", text=", ")] if k else []) + pieces
    return out


@cache
def parse(text: str) -> tuple[Piece, ...] | None:
    """The pieces of a location, or None when any of it is outside the vocabulary."""
    text = str(text or "").strip()
    if not text:
        return None
    out: list[Piece] = []
    for k, part in enumerate(_split(text, " | ")):
        if k:
            out.append(Piece("", text=" | "))
        prefix = next((p for p in PREFIXES if part.startswith(p[1])), None)
        if prefix:
            part = part[len(prefix[1]) :]
        pieces: list[Piece] = []
        for j, clause in enumerate(_split(part, "; ")):
            got = _clause(clause)
            if got is None:
                return None
            pieces += ([Piece("", text="; ")] if j else []) + got
        out += [Piece(prefix[0], (("rest", ""),))] + pieces if prefix else pieces
    return tuple(out)


@cache
def templates() -> dict[str, dict[str, str]]:
    """id -> {lang: template} from data/i18n/locations.csv."""
    if not CATALOGUE.exists():
        return {}
    with CATALOGUE.open(encoding="utf-8", newline="") as fh:
        return {r["id"]: {k: v for k, v in r.items() if k in i18n.LANGS and v} for r in csv.DictReader(fh)}


def _say(piece: Piece, lang: str) -> str | None:
    row = templates().get(piece.id, {})
    tpl = row.get(lang)
    if tpl is None:
        return None
    values = dict(piece.values)
    if piece.id == "flags":  # each flag: its code as printed and its meaning in the language
        items = []
        for item in values["flags"].split("; "):
            code, meaning = item.split("\x1f")
            said = templates().get(meaning, {}).get(lang)
            item_tpl = templates().get("flag_item", {}).get(lang)
            if said is None or item_tpl is None:
                return None
            items.append(item_tpl.format(code=code, meaning=said))
        values["flags"] = "; ".join(items)
    return tpl.format(**values)


def _render(pieces: tuple[Piece, ...], lang: str) -> str | None:
    out: list[str] = []
    prefix_at: list[tuple[int, str]] = []  # a prefix's template wraps the rest of its part ('population: {rest}')
    for p in pieces:
        if not p.id:
            if p.text == " | " and prefix_at:
                start, tpl = prefix_at.pop()
                out[start:] = [tpl.format(rest="".join(out[start:]))]
            out.append(p.text)
            continue
        if p.id in dict(PREFIXES):
            wrap = templates().get(p.id, {}).get(lang)
            if wrap is None:
                return None
            prefix_at.append((len(out), wrap))
            continue
        said = _say(p, lang)
        if said is None:
            return None
        out.append(said)
    if prefix_at:
        start, tpl = prefix_at.pop()
        out[start:] = [tpl.format(rest="".join(out[start:]))]
    return "".join(out)


@cache
def render(text: str, lang: str | None = None) -> str:
    """A location in `lang` (the run's language by default). Outside the vocabulary, or with no translation:
    the original, marked as English in the reader's language. English: the original."""
    text = str(text or "")
    lang = lang or i18n.lang()
    if lang == i18n.DEFAULT or not text.strip():
        return text
    pieces = parse(text)
    said = _render(pieces, lang) if pieces is not None else None
    return said if said is not None else i18n.translator(lang).gettext(i18n.UNTRANSLATED).format(text=text)


def said(text: object) -> str:
    """`render` in the run's language, for a table's cell (NaN and None: '')."""
    return render(text if isinstance(text, str) else "", i18n.lang())


def coverage(texts: Iterable[str]) -> tuple[int, int]:
    """(how many distinct locations parse fully, how many distinct locations)."""
    distinct = {str(t) for t in texts if isinstance(t, str) and t.strip()}
    return sum(parse(t) is not None for t in distinct), len(distinct)


_PRINTED_KEYS = ("name", "q", "key", "file", "code")


def printed(text: str) -> tuple[str, ...]:
    """What a parsed location keeps as the publisher printed it (headings, quoted words, file names, codes):
    the leftover-English check allows these in any language. () when it does not parse."""
    pieces = parse(str(text or "")) or ()
    return tuple(v for p in pieces for k, v in p.values if k in _PRINTED_KEYS and v)


def joined(texts: Iterable[str], tail: str = "", sep: str = "; ") -> str:
    """Several locations in one cell, in the run's language: the said ones first, then those outside the
    vocabulary in English, marked once at the end (`tail`, e.g. '(+2 more)', goes before the mark)."""
    lang = i18n.lang()
    texts = [str(t) for t in texts if str(t or "").strip()]
    if lang == i18n.DEFAULT:
        return sep.join(texts) + tail
    said = [render(t, lang) for t in texts if parse(t) is not None and _render(parse(t) or (), lang) is not None]
    english = [t for t in texts if parse(t) is None or _render(parse(t) or (), lang) is None]
    if not english:
        return sep.join(said) + tail
    marked = i18n.translator(lang).gettext(i18n.UNTRANSLATED).format(text=sep.join(english) + tail)
    return sep.join([*said, marked])
