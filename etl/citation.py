"""Clean citations from origin records: publisher, year, title, link. Curator notes never appear.

The research records keep the curators' remarks beside the facts ("2023 (inferred)", "(title
reconstructed from URL slug)", "TRUNCATED", "LOW CONFIDENCE"); they belong in `notes`, not in a citation
a journalist pastes. `clean_citation` builds the citation from the fields, stripping those remarks, and
`CURATOR_NOTE` is what the build refuses to find in a citation.
"""

from __future__ import annotations

import re

# Remarks the research wrote inside a field: never part of a citation.
CURATOR_NOTE = re.compile(
    r"(?i:inferred|reconstructed|not shown|not printed|excerpt|snippet|truncat|low confidence|unknown|"
    r"page state|vintage;|c\. \d{4}|\?\))|\b(?:SECONDARY|TERTIARY|NEWS|OFFICIAL)\b",
)
_PAREN = re.compile(r"\s*[\(\[][^\(\)\[\]]*[\)\]]")
_YEAR = re.compile(r"\b(19|20)\d\d\b")


def clean_year(date_published: str) -> str:
    """'2023 (inferred)' -> '2023'; 'unknown (dated ...)' -> 'n.d.'; '2019-2022' stays."""
    text = str(date_published or "").strip()
    head = _PAREN.sub("", text).strip()
    if re.fullmatch(r"(19|20)\d\d(-(19|20)\d\d)?", head):
        return head
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", head):
        return head
    return "n.d."


def _strip_notes(text: str) -> str:
    """Drop bracketed parts that are curator remarks; keep bracketed parts that are part of a title."""

    def keep(match: re.Match) -> str:
        return "" if CURATOR_NOTE.search(match.group(0)) else match.group(0)

    text = _PAREN.sub(keep, str(text or ""))
    text = re.sub(r";\s*author not shown", "", text)
    return re.sub(r"\s{2,}", " ", text).strip(" ;,")


def clean_citation(record: dict) -> str:
    """'Publisher (year). Title. URL' from an origin record, without curator notes."""
    publisher = _strip_notes(record.get("publisher", "")) or "Unknown publisher"
    title = _strip_notes(record.get("title", "")) or "untitled"
    year = clean_year(record.get("date_published", ""))
    url = str(record.get("url") or "").strip()
    text = f"{publisher} ({year}). {title.rstrip('.')}."
    return f"{text} {url}" if url else text


def curator_notes_in(citation: str) -> list[str]:
    """The curator remarks found in a citation (empty when clean)."""
    return sorted({m.group(0) for m in CURATOR_NOTE.finditer(str(citation or ""))})
