"""Source lines for charts, the dataset citation and the licence summary (pure text builders)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from components.core import citation_texts, i18n, locations, source_texts
from components.core.i18n import N_
from components.core.style import year_runs

if TYPE_CHECKING:  # pandas is imported where a table is made: the server's oEmbed link imports this module at start
    import pandas as pd

APP_NAME = N_("Baltic THB statistics dashboard")


# What is made from a sources table, kept per table. Keyed on the table's identity (the loaded table is one
# cached object); each entry holds the table itself so its id cannot be reused while kept.
_INDEX: dict[int, tuple[pd.DataFrame, dict[str, dict]]] = {}  # source_id -> record
# (source_id, max_len, language) -> name: a page's select box of sources names every source on each run
# (7 ms of the Data page's 36 ms rerun)
_NAMES: dict[int, tuple[pd.DataFrame, dict[tuple[str, int | None, str], str]]] = {}


def _kept(cache: dict, sources: pd.DataFrame, make: Callable[[], Any]) -> Any:
    hit = cache.get(id(sources))
    if hit is None or hit[0] is not sources:
        if len(cache) >= 8:
            cache.clear()
        hit = cache[id(sources)] = (sources, make())
    return hit[1]


def _source_index(sources: pd.DataFrame) -> dict[str, dict]:
    def make() -> dict[str, dict]:
        index: dict[str, dict] = {}
        for rec in sources.to_dict("records"):  # first row of an id wins, as before
            index.setdefault(rec["source_id"], rec)
        return index

    return _kept(_INDEX, sources, make)


def source_record(sid: str, sources: pd.DataFrame | None) -> dict:
    """The sources.csv row of a source id as a dict (shared: do not mutate); {'source_id': sid} if unknown."""
    if sources is not None and not sources.empty and "source_id" in sources.columns:
        rec = _source_index(sources).get(sid)
        if rec is not None:
            return rec
    return {"source_id": sid}


def source_name(sid: str, sources: pd.DataFrame | None, max_len: int | None = None) -> str:
    """'Publisher: Title' for a source id; the id itself if sources.csv does not know it.

    Whole by default (charts and exports wrap a long line, they never cut a name); `max_len` cuts
    with "…" where one line must do (a select box's option)."""
    if sources is None:
        return _source_name(sid, sources, max_len)
    names = _kept(_NAMES, sources, dict)
    key = (sid, max_len, i18n.lang())
    if key not in names:
        names[key] = _source_name(sid, sources, max_len)
    return names[key]


def _source_name(sid: str, sources: pd.DataFrame | None, max_len: int | None) -> str:
    r = source_record(sid, sources)
    pub, title = (citation_texts.words(str(r.get(k) or "").strip()) for k in ("publisher", "title"))
    name = f"{pub}: {title}" if pub and title else pub or title or sid  # the project's words in the language
    return name if max_len is None or len(name) <= max_len else name[: max_len - 1] + "…"


def _name(sid: str, sources: pd.DataFrame | None) -> str:
    """'Publisher: Title' as sources.csv says them (English is the record)."""
    r = source_record(sid, sources)
    pub, title = str(r.get("publisher") or "").strip(), str(r.get("title") or "").strip()
    return f"{pub}: {title}" if pub and title else pub or title or sid


_RELEASE = re.compile(r"^(?P<head>.*), (?P<year>(19|20)\d\d) release$")


def _names(ids: list[str], sources: pd.DataFrame | None) -> list[str]:
    """Each source's name once; the releases of one dataset in one name ('Eurostat: Population on 1 January
    (tps00001), 2016, 2020–2023 releases'), in the place of the first."""
    names: list[str] = []
    releases: dict[str, list[int]] = {}
    for sid in ids:
        name = _name(sid, sources)
        m = _RELEASE.match(name)
        if m:
            head = citation_texts.words(m["head"])
            if head not in releases:
                releases[head] = []
                names.append(head)
            releases[head].append(int(m["year"]))
        elif (name := source_name(sid, sources)) not in names:
            names.append(name)
    out = []
    for name in names:
        years = sorted(set(releases.get(name, ())))
        if not years:
            out.append(name)
            continue
        runs = year_runs(years)
        text = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)
        out.append(f"{name}, " + i18n.ngettext("{years} release", "{years} releases", len(years)).format(years=text))
    return out


def source_line(ids: Iterable[str], sources: pd.DataFrame | None, max_n: int = 3) -> str:
    ids = [i for i in dict.fromkeys(ids) if i]
    if not ids:
        return i18n._("Source: none (no data shown)")
    all_names = _names(ids, sources)
    names = all_names[:max_n]
    ids = all_names  # counted by name: the releases of one dataset are one source line
    more = " " + i18n._("(+{n} more, listed in the table)").format(n=len(ids) - max_n) if len(ids) > max_n else ""
    return (i18n._("Source: {names}") if len(ids) == 1 else i18n._("Sources: {names}")).format(
        names="; ".join(names)
    ) + more


SHORT_SOURCE_CHARS = 110  # a slide's source line: one or two lines at 14 pt across a 16:9 slide


def short_name(source: dict) -> str:
    """A source's publisher as a slide names it: the acronym a long name gives in brackets ("United Nations
    Office on Drugs and Crime (UNODC), dataUNODC" -> "UNODC"), else the name before any bracket, comma or
    semicolon ("Eurostat; copy stored in …" -> "Eurostat")."""
    pub = str(source.get("publisher") or "").strip() or str(source.get("title") or "").strip()
    if not pub:
        return str(source.get("source_id") or "?")
    m = re.match(r"([^(;,]+?)\s*\(([A-Z][A-Z0-9]{1,9})\)", pub)
    if m and len(m.group(1).split()) >= 3:
        return m.group(2)
    return re.split(r"\s*[;,(]", pub, maxsplit=1)[0].strip() or pub


def _year(source: dict) -> int | None:
    m = re.match(r"\s*(\d{4})", str(source.get("date_published") or ""))
    return int(m.group(1)) if m else None


def short_source_line(
    ids: Iterable[str], sources: pd.DataFrame | None, more: str, limit: int = SHORT_SOURCE_CHARS
) -> str:
    """A slide's source line: the publishers (several documents of one publisher as one name with the span of
    their years), as many as fit in `limit` characters, then `more` ("+{n} more: see the notes", formatted with
    the number of documents not named). The full citations go to the notes and the closing slide."""
    ids = [i for i in dict.fromkeys(ids) if i]
    if not ids:
        return i18n._("Source: none (no data shown)")
    groups: dict[str, list[dict]] = {}
    for sid in ids:
        rec = source_record(sid, sources)
        groups.setdefault(short_name(rec), []).append(rec)
    names: list[str] = []
    named = 0
    head = i18n._("Source: {names}") if len(ids) == 1 else i18n._("Sources: {names}")
    for name, recs in groups.items():
        years = sorted({y for y in map(_year, recs) if y})
        label = name + (
            f" {years[0]}–{years[-1]}"
            if len(recs) > 1 and len(years) > 1
            else f" {years[0]}"
            if len(recs) > 1 and years
            else ""
        )
        rest = len(ids) - named - len(recs)
        tail = (" " + more.format(n=rest)) if rest else ""
        line = head.format(names="; ".join(names + [label])) + (";" if tail else "") + tail
        if names and len(line) > limit:
            break
        if not names and len(line) > limit:  # one long name alone: cut, never the count of the others
            room = max(12, limit - len(head.format(names="")) - len(tail) - 2)
            label = label[: room - 1].rstrip() + "…"
        names.append(label)
        named += len(recs)
    rest = len(ids) - named
    return head.format(names="; ".join(names)) + (("; " + more.format(n=rest)) if rest else "")


def dataset_citation(meta: dict, today: date | None = None) -> str:
    version = meta.get("dataset_version") or i18n._("unknown version")
    as_of = meta.get("data_as_of") or i18n._("unknown date")
    today = today or date.today()
    return i18n._(
        "{app}, dataset version {version} (data as of {as_of}), accessed {today}. Cite the original source "
        "of each figure too; it is named under every chart and in the Data page."
    ).format(app=i18n._(APP_NAME), version=version, as_of=as_of, today=today.isoformat())


def licences(sources: pd.DataFrame | None) -> pd.DataFrame:
    """Licence per source, for the footer and the Methodology page."""
    import pandas as pd

    if sources is None or sources.empty or "source_id" not in sources.columns:
        return pd.DataFrame(
            columns=[N_("Source"), N_("Publisher"), N_("Licence"), N_("Link"), N_("Read in a copy"), N_("Copy read at")]
        )
    s = sources.copy()
    for c in ("publisher", "title", "licence", "url", "copy_url", "copy_note"):
        if c not in s.columns:
            s[c] = ""
    out = pd.DataFrame(
        {
            "Source": s["title"].where(s["title"] != "", s["source_id"]).map(citation_texts.words),
            "Publisher": s["publisher"].map(citation_texts.words),  # the project's words in the reader's language
            # the licence's terms in the reader's language (data/i18n/codebook_labels.csv, kind 'licence')
            "Licence": [i18n.current().licence(x) if x else i18n._("not stated") for x in s["licence"]],
            "Link": s["url"],
            # provenance: how the project obtained a copy when it was not read at the publisher
            "Read in a copy": s["copy_note"].map(source_texts.copy_note),  # in the reader's language
            "Copy read at": s["copy_url"],
        }
    )
    return out.reset_index(drop=True)


def licence_summary(sources: pd.DataFrame | None) -> str:
    lic = licences(sources)
    if lic.empty:
        return i18n._("Licences: see each source (sources.csv not available).")
    counts = lic["Licence"].value_counts()  # licences() has said them in the reader's language already
    parts = [
        f"{name} (" + i18n.ngettext("{n} source", "{n} sources", n).format(n=n) + ")" for name, n in counts.items()
    ]
    return i18n._("Data licences vary by source: {licences}. The full list is on the Methodology page.").format(
        licences=", ".join(parts)
    )


def sources_detail(rows: pd.DataFrame, sources: pd.DataFrame | None) -> pd.DataFrame:
    """Every source behind these rows: publisher, title, where in it (table/page), dates, link.

    `rows` needs `source_id` (ids joined by ';' for derived rates) and may have `source_location`."""
    import pandas as pd

    cols = [
        N_("Publisher"),
        N_("Title"),
        N_("Location"),
        N_("Published"),
        N_("Accessed"),
        N_("Licence"),
        N_("Link"),
        N_("Source id"),
    ]
    if rows is None or rows.empty or "source_id" not in rows.columns:
        return pd.DataFrame(columns=cols)
    locs: dict[str, list[str]] = {}
    has_loc = "source_location" in rows.columns
    for ids, loc in zip(
        rows["source_id"].fillna(""), rows["source_location"].fillna("") if has_loc else [""] * len(rows)
    ):
        for i, sid in enumerate(x for x in str(ids).split(";") if x):
            bucket = locs.setdefault(sid, [])
            if i == 0 and loc and loc not in bucket:  # the location belongs to the first (main) source
                bucket.append(str(loc))
    out = []
    for sid, ls in locs.items():
        r = source_record(sid, sources)
        more = " " + i18n._("(+{n} more)").format(n=len(ls) - 3) if len(ls) > 3 else ""
        # the publisher's names and titles as published, the project's words in them in the reader's language
        title = citation_texts.words(str(r.get("title") or sid))
        if r.get("reports_on"):  # a news item quoting a listed official document: name the document
            doc = source_record(str(r["reports_on"]), sources)
            title += " " + i18n._("(reporting: {publisher}, {title})").format(
                publisher=citation_texts.words(str(doc.get("publisher") or "")),
                title=citation_texts.words(str(doc.get("title") or r["reports_on"])),
            )
        out.append(
            {
                "Publisher": citation_texts.words(str(r.get("publisher") or "")),
                "Title": title,
                "Location": locations.joined(ls[:3], tail=more),  # in the reader's language
                "Published": source_texts.published(r.get("date_published")),  # in the reader's language
                "Accessed": str(r.get("date_accessed") or ""),
                "Licence": i18n.current().licence(str(r.get("licence") or "")),
                "Link": str(r.get("url") or ""),
                "Source id": sid,
            }
        )
    return pd.DataFrame(out, columns=cols)


def _cited(source: dict) -> str:
    """The source's citation in the reader's language (components/core/citation_texts.py); English: sources.csv."""
    text = citation_texts.citation(source)
    if not text:
        pub, title, url = (str(source.get(k) or "").strip() for k in ("publisher", "title", "url"))
        text = ". ".join(x for x in (pub, title, url) if x) or str(source.get("source_id") or "unknown source")
    return text.rstrip(". ")


def figure_citation(
    label: str,
    value_text: str,
    source: dict,
    location: str,
    meta: dict,
    today: date | None = None,
    original: dict | None = None,
) -> str:
    """Ready-to-paste citation of one figure: the figure, its original source, and this dashboard.

    `original`: the official document a news report quotes (sources.csv `reports_on`): the citation
    names the document first, then the report it was read in."""
    today = today or date.today()
    where = f", {location}" if location else ""
    orig = (
        i18n._("{original}; as reported by {report}").format(original=_cited(original), report=_cited(source) + where)
        if original
        else f"{_cited(source)}{where}"
    )
    # the template is the interface's (translated); the publisher's name and title stay as published
    return i18n._(
        "{label}: {value}. Source: {source}. Via {app}, dataset version {version} (data as of {as_of}), "
        "accessed {today}."
    ).format(
        label=label,
        value=value_text,
        source=orig,
        app=i18n._(APP_NAME),
        version=meta.get("dataset_version", i18n._("unknown")),
        as_of=meta.get("data_as_of", i18n._("unknown")),
        today=today.isoformat(),
    )
