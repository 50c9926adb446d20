"""Row notes as ids with values: what the table's `note` says, in a form any language can render.

A note is an id and named values (`rate_computed{year, population, source}`), never a sentence: the build
writes both the English rendering (the `note` column, as before) and the notes themselves (`note_keys`, a
JSON list `[{"id": "rate_computed", "year": 2017, "population": 1950116, "source": "EUROSTAT_…"}]`). The
app renders the same notes in the reader's language from the catalogue `data/i18n/row_notes.csv` (one row per
id, one column per language), with the language's number format and the sources named as the source line names
them (`Publisher: Title`), never by their id.

Two kinds of id:
- templates the build writes itself (`TEMPLATES` below: their English lives here, the catalogue repeats it
  next to the translations and a test keeps both equal);
- curated texts (the mapping tables' and series breaks' notes, a precedence override's reason): the catalogue's
  `en` column names the English text, its row gives the id. A curated text the catalogue does not hold stops the
  build ("register it in data/i18n/row_notes.csv").

How a value is shown is said by its name and type (`render`): a nested note (a dict) or a list of them is
rendered in place (a list joined with "; "); `source` and `*_source` name a source; `breakdown` is a code the
reader's language labels; a number is formatted in the language unless its name is a year or a line; text
(`<5`, a file name, sheet rows) stays as it is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATALOGUE = Path("i18n") / "row_notes.csv"  # under the data root
PLAIN_NUMBERS = {"year", "line"}  # numbers shown as they are (no grouping): years, line numbers


@dataclass(frozen=True)
class Note:
    id: str
    params: tuple[tuple[str, Any], ...] = ()

    def to_json(self) -> dict:
        out: dict[str, Any] = {"id": self.id}
        for k, v in self.params:
            out[k] = _json_value(v)
        return out


def _json_value(v: Any) -> Any:
    if isinstance(v, Note):
        return v.to_json()
    if isinstance(v, tuple):
        return [_json_value(x) for x in v]
    return v


def note(note_id: str, **params: Any) -> Note:
    """A note; a list value becomes a tuple (notes are hashable: one note once per row)."""
    return Note(note_id, tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


# The notes the build writes. English only; the other languages are in the catalogue.
TEMPLATES: dict[str, str] = {
    # checks.py
    "series_break": "{note} [{source}]",
    "repeated_key": ("UNODC gives {n} rows for this figure (sheet rows {rows}); shown separately, not summed."),
    "duplicate_transcription": "Same figure as {file} line {line} (transcribed twice).",
    "exceeds_total": "Larger than the total ({total}) given by the same source.",
    "repeats_victims": "Repeats the victims figure for the same form and year; not used as convictions.",
    # rates.py
    "rate_computed": "Rate computed from the count and the population on 1 January {year} ({population}, {source}).",
    "population_break": "Population: {note}",
    "rate_printed_preferred": "Not preferred: {source} prints this rate ({value}).",
    "rate_computed_preferred": "Not preferred: the rate computed from the official count and population is used.",
    # precedence.py
    "preferred_precedence": "Preferred over {others} other source value(s) by precedence: {grade} source.",
    "preferred_override": "Preferred over {others} other source value(s) by override: {why}.",
    "set_exceeds_total": (
        "This source's {breakdown} breakdown adds up to at least {floor}, more than the total ({total}, {source}); "
        "the categories exclude each other, so the set cannot be right and is not used in charts."
    ),
    "set_taken_whole": (
        "Part of the {breakdown} breakdown taken whole from {source} "
        "(one source per breakdown; {others} other source(s) kept in the table)."
    ),
    # the evidence grades as the precedence note names them (Ranker.describe)
    "grade.official_statistics": "official statistics",
    "grade.official_statistics.eurostat": "official statistics (eurostat)",
    "grade.official_publication": "official publication",
    "grade.international_monitoring": "international monitoring",
    "grade.ngo_publication": "ngo publication",
    "grade.news_citing_official": "news citing official",
    "grade.secondary": "secondary",
    "grade.tertiary": "tertiary",
    # contradictions.py
    "contradicts": "Contradicts the official figures ({why}); kept for reference, never preferred.",
    "contradicts.differs": "the official figure is {official}",
    "contradicts.below": "it is below what the official figures for the years it spans allow ({official})",
    "contradicts.above": "it is above the sum of the official figures for the years it spans ({official})",
    "official_value": "{year}: {value} ({source})",
    "rests_on_contradiction": "Not preferred: it rests on a figure that contradicts the official ones.",
}


def english_template(note_id: str, catalogue: Mapping[str, Mapping[str, str]]) -> str:
    """A note's English: the build's own template, else the curated text the catalogue registers."""
    if note_id in TEMPLATES:
        return TEMPLATES[note_id]
    return (catalogue.get(note_id) or {}).get("en") or note_id


def read_catalogue(path: Path) -> dict[str, dict[str, str]]:
    """id -> {lang: text} from a row-notes catalogue (empty when the file is missing)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["id"]: {k: v for k, v in r.items() if k != "id" and v} for r in csv.DictReader(fh)}


class Registry:
    """Curated texts -> their ids (from the catalogue); remembers the texts it does not know."""

    def __init__(self, catalogue: Mapping[str, Mapping[str, str]]):
        self.ids = {row["en"]: i for i, row in catalogue.items() if row.get("en") and i not in TEMPLATES}
        self.unknown: set[str] = set()

    def curated(self, text: str) -> Note:
        note_id = self.ids.get(text)
        if note_id is None:
            self.unknown.add(text)
            return Note("?", (("text", text),))
        return Note(note_id)

    def problems(self) -> list[str]:
        return [
            f"row note {t!r} has no id: register it in data/i18n/row_notes.csv (a new id, `en` = this text, "
            "and its translations)"
            for t in sorted(self.unknown)
        ]


Lookup = Callable[[str], tuple[str, bool]]  # id -> (the template in a language, whether it is translated)


def render(
    n: Note | Mapping[str, Any],
    lookup: Lookup,
    number: Callable[[float], str],
    source: Callable[[str], str],
    label: Callable[[str, str], str],
    untranslated: Callable[[str], str] = lambda s: s,
) -> str:
    """One note as text. `lookup(id)` gives the language's template, or the English one with False (then the
    rendered text goes through `untranslated`, which marks it); the other callables show a number, a source id
    and a code (kind, code)."""
    data = n.to_json() if isinstance(n, Note) else dict(n)
    note_id = str(data.pop("id", ""))
    if note_id == "?":  # an unregistered curated text (only in a build that is about to fail)
        return str(data.get("text", ""))
    text, translated = lookup(note_id)
    values = {k: _show(k, v, lookup, number, source, label, untranslated) for k, v in data.items()}
    out = text.format(**values)
    return out if translated else untranslated(out)


def _show(
    name: str,
    v: Any,
    lookup: Lookup,
    number: Callable[[float], str],
    source: Callable[[str], str],
    label: Callable[[str, str], str],
    untranslated: Callable[[str], str],
) -> str:
    if isinstance(v, dict):
        return render(v, lookup, number, source, label, untranslated)
    if isinstance(v, list):
        return "; ".join(_show(name, x, lookup, number, source, label, untranslated) for x in v)
    if name == "source" or name.endswith("_source"):
        return source(str(v))
    if name == "breakdown":
        return label("breakdown", str(v))
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float):
        return str(int(v)) if name in PLAIN_NUMBERS else number(v)
    return str(v)


def to_json(notes: list[Note]) -> str:
    """The `note_keys` cell: '' for no note, else a compact JSON list."""
    if not notes:
        return ""
    return json.dumps([n.to_json() for n in notes], ensure_ascii=False, separators=(",", ":"))


def source_name(record: Mapping[str, Any] | None, sid: str) -> str:
    """'Publisher: Title' (the source line's name of a source; components.core.cite.source_name)."""
    r = record or {}
    pub, title = str(r.get("publisher") or "").strip(), str(r.get("title") or "").strip()
    return f"{pub}: {title}" if pub and title else pub or title or sid


def english_number(value: float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale="en")


def english(
    notes: list[Note], sources: Mapping[str, Mapping[str, Any]], catalogue: Mapping[str, Mapping[str, str]]
) -> str:
    """The `note` column: each note in English, in order, joined by a space."""

    def lookup(note_id: str) -> tuple[str, bool]:
        return english_template(note_id, catalogue), True

    return " ".join(
        render(n, lookup, english_number, lambda sid: source_name(sources.get(sid), sid), lambda _k, code: code)
        for n in notes
    )
