"""Row notes in the reader's language (pure: no Streamlit).

The build writes each row's notes twice: `note`, their English, and `note_keys`, the notes themselves (an id and
named values each; etl/notes.py). Here they are rendered from `data/i18n/row_notes.csv` in the language of the
run: numbers in the language's format, sources named as the source line names them ('Publisher: Title'),
breakdowns by their label. A note with no translation (or whose catalogue English no longer matches) shows its
English, marked "(in English: not yet translated)" in the reader's language; so does a row with a note but no
`note_keys` (a table from an older build).
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from components.core import cite, i18n
from etl import notes as etl_notes
from etl.paths import REPO_ROOT

if TYPE_CHECKING:
    from components.core.dataset import Codebook

CATALOGUE = REPO_ROOT / "data" / etl_notes.CATALOGUE


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """id -> {lang: text} (data/i18n/row_notes.csv)."""
    return etl_notes.read_catalogue(CATALOGUE)


def _lookup(lang: str) -> etl_notes.Lookup:
    cat = catalogue()

    def lookup(note_id: str) -> tuple[str, bool]:
        english = etl_notes.english_template(note_id, cat)
        if lang == i18n.DEFAULT:
            return english, True
        row = cat.get(note_id) or {}
        if row.get("en") == english and row.get(lang):
            return row[lang], True
        return english, False

    return lookup


def render_keys(keys: str, lang: str, sources: pd.DataFrame | None = None, cb: Codebook | None = None) -> str:
    """A `note_keys` cell as text in `lang` (English: exactly the build's `note`)."""
    if not keys:
        return ""
    if sources is None and cb is not None:
        sources = cb.sources
    t = i18n.translator(lang)
    marked = t.gettext(i18n.UNTRANSLATED)

    def label(kind: str, code: str) -> str:
        if lang == i18n.DEFAULT or cb is None or kind != "breakdown":
            return code
        return cb.breakdown_label(code)

    return " ".join(
        etl_notes.render(
            item,
            _lookup(lang),
            t.number,
            lambda sid: cite.source_name(sid, sources),
            label,
            lambda text: marked.format(text=text),
        )
        for item in json.loads(keys)
    )


def row_note(
    keys: str, english: str, sources: pd.DataFrame | None = None, cb: Codebook | None = None, lang: str | None = None
) -> str:
    """One row's note in the run's language (or `lang`)."""
    lang = lang or i18n.lang()
    if lang == i18n.DEFAULT or not (english or keys):
        return english
    if not keys:  # a note without ids (an older table): the original, marked
        return i18n.translator(lang).gettext(i18n.UNTRANSLATED).format(text=english)
    return render_keys(keys, lang, sources, cb)


def row_notes(
    rows: pd.DataFrame, sources: pd.DataFrame | None = None, cb: Codebook | None = None, lang: str | None = None
) -> list[str]:
    """The `note` of each row of `rows` in the run's language (each distinct note rendered once)."""
    if "note" not in rows.columns:
        return [""] * len(rows)
    english = rows["note"].fillna("").astype(str).tolist()
    keys = rows["note_keys"].fillna("").astype(str).tolist() if "note_keys" in rows.columns else [""] * len(rows)
    lang = lang or i18n.lang()
    if lang == i18n.DEFAULT:
        return english
    done: dict[tuple[str, str], str] = {}
    out = []
    for k, e in zip(keys, english):
        if (k, e) not in done:
            done[(k, e)] = row_note(k, e, sources, cb, lang)
        out.append(done[(k, e)])
    return out


def localise(
    rows: pd.DataFrame, sources: pd.DataFrame | None = None, cb: Codebook | None = None, lang: str | None = None
) -> pd.DataFrame:
    """`rows` with its `note` column in the run's language (a copy; unchanged in English or without notes)."""
    if "note" not in rows.columns or (lang or i18n.lang()) == i18n.DEFAULT or rows.empty:
        return rows
    out = rows.copy()
    out["note"] = row_notes(rows, sources, cb, lang)
    return out
