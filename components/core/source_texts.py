"""The project's own texts about a source, in the reader's language: how it was read in a copy (sources.csv
`copy_note`) and when it was published (`date_published`, when it is more than a number). Pure.

sources.csv keeps these in English (English is the record; the API's sources.csv stays English). Each text is
one template of `data/i18n/source_texts.csv` (`field`, `id`, one column per language) with named values: the
English template, its values put back, is the original ("Read on {host}, a document-sharing site; …" with
host = 'scribd.com'). A value is only ever something printed or a name that stays as it is in every language
(a host, a repository, a file, a commit, a date, a year, a code), never English words: each placeholder's name
says what it may hold (`VALUES`). A text that matches no template, or has no translation, shows whole as the
original, marked as English in the reader's language (the marker the source locations use).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from components.core import i18n
from etl.paths import REPO_ROOT

CATALOGUE = REPO_ROOT / "data" / "i18n" / "source_texts.csv"
FIELDS = ("copy_note", "date_published")

# what a placeholder may hold (by its name): names, codes, numbers and dates, as printed
VALUES = {
    "host": r"[a-z0-9][a-z0-9.-]*\.[a-z]{2,}",
    "repo": r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+",
    "file": r"[A-Za-z0-9_./-]+\.(?:tsv\.gz|tsv|csv)",
    "commit": r"[0-9a-f]{7,40}",
    "date": r"\d{4}-\d{2}-\d{2}",
    "first": r"\d{4}-\d{2}-\d{2}",
    "year": r"\d{4}",
    "years": r"\d{4}-\d{4}",
    "format": r"TSV|SDMX-CSV",
    "dataflow": r"[A-Z]+:[A-Z0-9_]+\(\d+(?:\.\d+)*\)",
    "update": r"\d\d/\d\d/\d\d \d\d:\d\d:\d\d",
    "code": r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*",
}
# a date that is only numbers ('2025', '2019-2022', '2021-07-02') reads the same in every language
_NUMBERS = re.compile(r"[\d\s./-]*")
_PLACEHOLDER = re.compile(r"\\\{(\w+)\\\}")


def read_catalogue(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(field, id) -> {lang: template} from a catalogue CSV with columns field, id and one per language (this
    one and data/i18n/citation_texts.csv)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            (r["field"], r["id"]): {k: v for k, v in r.items() if k in i18n.LANGS and v} for r in csv.DictReader(fh)
        }


def template_regex(template: str, values: dict[str, str]) -> re.Pattern[str]:
    """An English template as a regex whose named groups are its values, each of the pattern `values` gives."""
    return re.compile(_PLACEHOLDER.sub(lambda m: f"(?P<{m[1]}>{values[m[1]]})", re.escape(template)))


@cache
def catalogue() -> dict[tuple[str, str], dict[str, str]]:
    """(field, id) -> {lang: template} from data/i18n/source_texts.csv."""
    return read_catalogue(CATALOGUE)


@cache
def _patterns(field: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(id, the English template as a regex whose groups are its values) for one field."""
    out = []
    for (fld, tid), row in catalogue().items():
        if fld != field or not row.get(i18n.DEFAULT):
            continue
        out.append((tid, template_regex(row[i18n.DEFAULT], VALUES)))
    return tuple(out)


@cache
def match(field: str, text: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The template id and the values of an English text, or None when no template says it whole."""
    text = " ".join(str(text or "").split())
    return next(
        ((tid, tuple(m.groupdict().items())) for tid, rx in _patterns(field) if (m := rx.fullmatch(text))), None
    )


def render(field: str, text: str, lang: str | None = None) -> str:
    """`text` (a `field` of sources.csv) in `lang` (the run's language by default). English, an empty text and a
    date of numbers only: as it is. No template or no translation: the original, marked as English."""
    return _render(field, str(text or ""), lang or i18n.lang())


@cache
def _render(field: str, text: str, lang: str) -> str:
    if lang == i18n.DEFAULT or not text.strip() or (field == "date_published" and _NUMBERS.fullmatch(text)):
        return text
    hit = match(field, text)
    tpl = catalogue().get((field, hit[0]), {}).get(lang) if hit else None
    if hit is not None and tpl is not None:
        return tpl.format(**dict(hit[1]))
    return i18n.translator(lang).gettext(i18n.UNTRANSLATED).format(text=text)


def copy_note(text: object) -> str:
    """How a source was read in a copy, in the run's language, for a table's cell (NaN and None: '')."""
    return render("copy_note", text if isinstance(text, str) else "")


def published(text: object) -> str:
    """When a source was published, in the run's language, for a table's cell (NaN and None: '')."""
    return render("date_published", text if isinstance(text, str) else "")


def coverage(field: str, texts: Iterable[str]) -> tuple[int, int]:
    """(how many distinct texts a template says, how many distinct texts that need one)."""
    distinct = {" ".join(t.split()) for t in texts if isinstance(t, str) and t.strip()}
    if field == "date_published":
        distinct = {t for t in distinct if not _NUMBERS.fullmatch(t)}
    return sum(match(field, t) is not None for t in distinct), len(distinct)


def printed(field: str, text: str) -> tuple[str, ...]:
    """The names a text keeps as printed in every language (hosts, repositories, files, commits, codes; not its
    numbers and dates): the leftover-English check allows these. () when no template says the text."""
    hit = match(field, str(text or ""))
    return tuple(v for _, v in hit[1] if re.search(r"[A-Za-z]", v)) if hit else ()  # names, not numbers
