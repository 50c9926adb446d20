"""Data: the harmonised rows for the page's filters, with their sources; the chosen figure's sources side by
side. The main Figure is a table (its CSV is the page's 'CSV of these rows')."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.builders.common import derived, value_texts
from components.core import i18n, locations, provenance as prov
from components.core.cite import source_line
from components.core.figure import Figure, PageBuild, years_covered
from components.core.i18n import N_
from components.core.notes import row_notes
from components.draw import files as ex
from components.view.state import Resolved
from etl.figure_key import parse_figure_key

COLUMNS = {
    "country_label": N_("Country"),
    "period_label": N_("Period"),
    "indicator_label": N_("Indicator"),
    "Breakdown": N_("Breakdown"),
    "category_label": N_("Category"),
    "Unit": N_("Unit"),
    "Value": N_("Value"),
    "preferred": N_("Preferred"),
    "grade_label": N_("Evidence grade"),
    "n_sources": N_("Sources for figure"),
    "title": N_("Source"),
    "publisher": N_("Publisher"),
    "location_shown": N_("Location"),
    "Flags": N_("Flags"),
    "note": N_("Note"),
    "source_id": N_("Source id"),
}


def figures_display(ds) -> pd.DataFrame:
    """The whole table with labels, sources, formatted values, the evidence grade and one lower-case text
    per row for the search box (built once per dataset: shared, never mutated)."""
    cb = ds.codebook
    full = prov.figures_table(ds.table, ds.sources, cb)
    full["Value"] = value_texts(full)
    full["Breakdown"] = full["breakdown"].map({b: cb.breakdown_label(b) for b in full["breakdown"].unique()})
    full["Unit"] = full["unit"].map({u: cb.unit_label(u) for u in full["unit"].unique()})
    full["Flags"] = [cb.flags_text(f) for f in full["flags"]]
    full["note"] = row_notes(full, ds.sources, cb)  # in the reader's language (the table's is English)
    full["grade_label"] = full["grade"].map({g: cb.grade_label(g) if g else "" for g in full["grade"].unique()})
    full["location_shown"] = full["source_location"].map(locations.said)  # in the reader's language
    full["official"] = full["grade"].map({g: cb.is_official(g) for g in full["grade"].unique()}).astype(bool)
    text = full["country_label"].fillna("").astype(str)
    for c in (
        "country",
        "period_label",
        "indicator_label",
        "Breakdown",
        "category_label",
        "Unit",
        "Value",
        "title",
        "publisher",
        "source_id",
        "location_shown",
        "Flags",
        "note",
        "grade_label",
    ):
        text = text + " " + full[c].fillna("").astype(str)  # vectorised: a row-wise join is 10x slower
    full["_search"] = text.map(fold)
    return full


def fold(text: str) -> str:
    """A text as the search compares it: lower case, and 'ё' as 'е' (Russian is mostly typed without 'ё')."""
    return text.lower().replace("ё", "е")


def filter_figures(
    full: pd.DataFrame,
    countries,
    indicator: str | None = None,
    source: str | None = None,
    preferred_only: bool = False,
    years: tuple | None = None,
    grade: str | None = None,
    search: str = "",
) -> pd.DataFrame:
    """The page's filters: countries, indicator, source, preferred only, years (the period overlaps), evidence
    grade ('official', 'unconfirmed' or one grade) and a search (every word, any column)."""
    mask = full["country"].isin(countries)
    if indicator:
        mask &= full["indicator"] == indicator
    if source:
        mask &= full["source_id"].map(lambda s: source in str(s).split(";")).astype(bool)
    if preferred_only:
        mask &= full["preferred"]
    if years:
        mask &= (full["period_end"] >= years[0]) & (full["period_start"] <= years[1])
    if grade == "official":
        mask &= full["official"]
    elif grade == "unconfirmed":
        mask &= ~full["official"]
    elif grade:
        mask &= full["grade"] == grade
    for word in fold(str(search or "")).split():
        mask &= full["_search"].str.contains(word, regex=False)
    return full[mask].reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class SideBySide:
    """Every source's value for one figure, the one the dashboard uses and why (the Data and Check pages)."""

    figure: str  # the figure key
    label: str  # the figure in words
    rows: pd.DataFrame  # one row per source's value
    why: str  # why the used value is the one used


@dataclass(frozen=True, eq=False)
class DataPage:
    """What the Data page shows beside its table of rows."""

    figures: tuple[str, ...]  # the figures the picker offers (those several sources give, and the chosen one)
    labels: dict[str, str]  # figure key -> the figure in words
    n_figures: int  # how many figures the rows hold
    keys: tuple[str, ...]  # the figure key of each row of the table (a selected row opens its figure)
    selected: SideBySide | None  # the chosen figure's sources side by side


def build(ds, r: Resolved, options) -> PageBuild[DataPage]:
    # labelled in the run's language: one display table per dataset and language
    rows = filter_figures(
        derived(ds, f"figures_display:{i18n.lang()}", figures_display),
        list(r.countries),
        r.filter_indicator,
        r.source,
        r.preferred_only,
        r.years,
        r.grade,
        r.search,
    )
    multi = prov.multi_source_figures(rows)
    if r.figure and r.figure not in multi:
        multi.append(r.figure)
    ids = tuple(dict.fromkeys(s for sid in rows["source_id"] for s in str(sid).split(";") if s))
    page = DataPage(
        figures=tuple(multi),
        labels=prov.figure_labels(multi, ds.codebook),
        n_figures=int(rows["figure"].nunique()),
        keys=tuple(rows["figure"]),
        selected=side_by_side(ds, r.figure) if r.figure else None,
    )
    src = r.source
    main = Figure(
        kind="table",
        key="data",
        title=i18n._("Harmonised data with sources"),
        unit="",
        period=years_covered(rows),
        rows=ex.tidy(rows),
        table=rows.rename(columns=COLUMNS)[list(COLUMNS.values())],
        source_ids=ids,
        source_line=source_line(ids, ds.sources),
        alt_text=i18n._("Harmonised data table with sources"),
        file_stem=ex.file_name(
            "x",
            countries=r.countries,
            indicator=r.filter_indicator,
            extra=("source-" + src) if src else ("preferred" if r.preferred_only else "all-rows"),
        )[:-2],
    )
    return PageBuild((main,), page)


def side_by_side(ds, figure: str) -> SideBySide | None:
    """Every source's value for one figure, preferred first, and why the preferred one was chosen."""
    key = parse_figure_key(figure)
    if key is None:
        return None
    cb = ds.codebook
    rows = prov.figure_rows(
        ds.table, key, ds.sources, derived(ds, "precedence", lambda d: prov.precedence_table(d.data_dir))
    )
    if rows.empty:
        return None
    rows["Value"] = value_texts(rows)
    rows["Flags"] = [cb.flags_text(f) for f in rows["flags"]]
    rows["Evidence grade"] = [cb.grade_label(g) for g in rows["grade"]]
    rows["location_shown"] = rows["source_location"].map(locations.said)
    return SideBySide(figure=figure, label=prov.figure_label(figure, cb), rows=rows, why=prov.why_preferred(rows))
