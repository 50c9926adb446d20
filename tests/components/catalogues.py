"""Checks shared by the tests of the data-text catalogues (data/i18n/*.csv): locations, source texts, citations."""

from __future__ import annotations

import string
from collections.abc import Hashable, Mapping

from components.core import i18n


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a template."""
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def assert_every_language(rows: Mapping[Hashable, Mapping[str, str]]) -> None:
    """Each row has a text in every language, with the same placeholders as its English one."""
    for key, row in rows.items():
        for lang in i18n.LANGS:
            assert row.get(lang), (key, lang)
            assert placeholders(row[lang]) == placeholders(row["en"]), (key, lang)
