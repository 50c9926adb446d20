"""Check a figure: every source's value for one figure side by side, the one the dashboard uses and why,
the flags, the country's definition, and a citation to paste. The main Figure is that table."""

from __future__ import annotations

from dataclasses import dataclass

from components.builders.data import side_by_side
from components.core import i18n, locations, provenance as prov, source_texts
from components.core.cite import figure_citation, source_line, source_record
from components.core.figure import Figure, PageBuild, years_covered
from components.core.i18n import N_
from components.core.notes import localise
from components.draw import files as ex
from components.view.state import Resolved
from etl.figure_key import parse_figure_key

COLUMNS = {
    "Value": N_("Value"),
    "preferred": N_("Used"),
    "title": N_("Source"),
    "publisher": N_("Publisher"),
    "Evidence grade": N_("Evidence grade"),
    "grade_rank": N_("Rank"),
    "location_shown": N_("Where in the source"),
    "period_label": N_("Period as printed"),
    "Flags": N_("Flags"),
    "note": N_("Note"),
    "url": N_("Link"),
    # provenance: where the project read a copy, when not at the publisher (never in the citation)
    "copy_note": N_("Read in a copy"),
    "copy_url": N_("Copy read at"),
}


@dataclass(frozen=True, eq=False)
class CheckPage:
    """What the Check page says beside the table of every source's value for one figure."""

    figure: str  # the figure key
    indicator_label: str
    country_label: str
    used: str | None  # the value the dashboard uses (None: no source's value is used)
    n_sources: int
    unconfirmed: str | None  # how an unconfirmed value is shown (its grade); None when official
    why: str  # why this source's value is the one used
    flags: tuple[tuple[str, str], ...]  # (label, meaning) of each flag on the rows
    definitions: tuple[str, ...]  # what the country counts as the indicator
    harmonised: str  # the harmonised definition
    citation: str  # the figure's citation, ready to paste


def build(ds, r: Resolved, options) -> PageBuild[CheckPage]:
    figure = r.figure or options.default_figure
    side = side_by_side(ds, figure) if figure else None
    if side is None:
        empty = ds.table.iloc[0:0]
        return PageBuild(
            (
                Figure(
                    kind="table",
                    key="check",
                    title=i18n._("No figure"),
                    unit="",
                    period=None,
                    rows=ex.tidy(empty),
                    table=empty,
                    source_ids=(),
                    source_line="",
                    alt_text=i18n._("No figure"),
                ),
            )
        )
    cb, rows, key = ds.codebook, side.rows, parse_figure_key(figure)
    label = cb.indicator_label(key["indicator"])
    cat = (
        ""
        if key["breakdown"] == "total"
        else f", {cb.breakdown_label(key['breakdown']).lower()}: {cb.category_label(key['breakdown'], key['category'])}"
    )
    per = rows.iloc[0]["period_label"] or prov.figure_label(figure, cb).split(":")[0].split(" ")[-1]
    title = i18n._("{indicator} — {country}, {period} ({unit})").format(
        indicator=label + cat, country=cb.country_label(key["country"]), period=per, unit=cb.unit_label(key["unit"])
    )
    used = rows[rows["preferred"]]
    first = used.iloc[0] if not used.empty else rows.iloc[0]
    rec = source_record(first["main_source"], ds.sources)
    original = source_record(rec["reports_on"], ds.sources) if rec.get("reports_on") else None
    flags = sorted({f for fl in rows["flags"] for f in str(fl).split(";") if f})
    defs = ds.country_definitions
    d = (
        defs[(defs["country"] == key["country"]) & (defs["indicator"] == key["indicator"])]
        if not defs.empty and {"country", "indicator", "definition"} <= set(defs.columns)
        else defs.iloc[0:0]
    )
    ids = tuple(dict.fromkeys(s for sid in rows["source_id"] for s in str(sid).split(";") if s))
    page = CheckPage(
        figure=figure,
        indicator_label=label,
        country_label=cb.country_label(key["country"]),
        used=None if used.empty else first["Value"],
        n_sources=len(rows),
        unconfirmed=None if used.empty or cb.is_official(first["grade"]) else cb.grade_shown_as(first["grade"]),
        why=side.why,
        flags=tuple((cb.flag_label(f), cb.flag_meaning(f)) for f in flags),
        definitions=tuple(cb.country_definition(r.country, r.indicator, r.definition) for r in d.itertuples()),
        harmonised=cb.indicator_definition(key["indicator"]),
        citation=figure_citation(
            title, first["Value"], rec, locations.said(first.get("source_location")), ds.meta, original=original
        ),
    )
    main = Figure(
        kind="table",
        key="check",
        title=title,
        unit=cb.unit_label(key["unit"]),
        period=years_covered(rows),
        rows=ex.tidy(rows),
        # the row notes and how a source was read in a copy, in the reader's language (the rows keep the English)
        table=localise(rows, ds.sources, cb)
        .assign(copy_note=lambda t: t["copy_note"].map(source_texts.copy_note))
        .rename(columns=COLUMNS)[list(COLUMNS.values())],
        source_ids=ids,
        source_line=source_line(ids, ds.sources),
        alt_text=i18n._("Every source's value for {title}").format(title=title),
        file_stem=f"thb-check_{figure.replace('~', '_')}",
    )
    return PageBuild((main,), page)
