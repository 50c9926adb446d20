"""Methodology: the coverage chart (main figure) and the tables the page explains: definitions per country,
evidence grades, precedence, breakdown rules, conflicts, licences, the dataset citation."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.builders.common import chart_figure, derived, value_texts
from components.core import i18n, provenance as prov, queries as q
from components.core.cite import dataset_citation, licences, source_line
from components.core.figure import PageBuild
from components.core.i18n import N_
from components.core.notes import row_notes
from components.draw import files as ex
from components.draw.charts import coverage_chart

COVERAGE_TITLE = N_("Which figures exist: country × year × indicator")


@dataclass(frozen=True, eq=False)
class MethodologyPage:
    """The tables the Methodology page explains (its coverage chart is the Figure)."""

    definitions: tuple  # (country label, [(indicator label, definition, sources line)]) per country
    grades: pd.DataFrame | None  # evidence grades
    precedence: pd.DataFrame  # which source grade wins
    rules: pd.DataFrame | None  # breakdown rules: which categories add up
    conflicts: pd.DataFrame  # figures on which sources disagree (one row per source's value)
    n_conflicts: int  # how many figures that is
    licences: pd.DataFrame  # sources and their licences
    citation: str  # the dataset's citation
    indicators: pd.DataFrame | None  # the harmonised indicators (codebook)


def build(ds, r, options) -> PageBuild[MethodologyPage]:
    cb = ds.codebook
    cov = q.coverage(ds.table, cb)
    total_rows = ds.table[ds.table["breakdown"] == "total"]
    title = i18n._(COVERAGE_TITLE)
    chart = coverage_chart(cov, title=title, source_line=source_line(q.total_source_ids(ds.table), ds.sources))
    wide = None
    if not cov.empty:
        wide = (
            cov.pivot_table(
                index=["country_label", "indicator_label"], columns="year", values="n_sources", aggfunc="first"
            )
            .fillna(0)
            .astype(int)
            .reset_index()
        )
        wide.columns = [str(c) for c in wide.columns]
        wide = wide.rename(columns={"country_label": N_("Country"), "indicator_label": N_("Indicator")})
    conflicts, n_conflicts = _conflicts(ds)
    page = MethodologyPage(
        definitions=_definitions(ds),
        grades=_grades(cb),
        precedence=_precedence(cb, derived(ds, "precedence", lambda d: prov.precedence_table(d.data_dir))),
        rules=_rules(cb),
        conflicts=conflicts,
        n_conflicts=n_conflicts,
        licences=licences(ds.sources),
        citation=dataset_citation(ds.meta),
        indicators=_indicators(cb),
    )
    figure = chart_figure(
        ds,
        key="coverage",
        chart=chart,
        rows=total_rows,
        csv_rows=ex.tidy(total_rows.iloc[0:0]),
        title=title,
        unit="",
        table=wide,
        name=dict(indicator="coverage"),
        alt_text=i18n._(
            "Heatmap of data coverage: for each country, indicator and year, whether a "
            "total exists, is suppressed, or has no preferred value, and how many sources "
            "give it. The table below lists the same."
        ),
    )
    return PageBuild((figure,), page)


def _definitions(ds) -> tuple:
    """(country label, [(indicator label, definition, sources line)]) per country."""
    defs, cb = ds.country_definitions, ds.codebook
    if defs.empty or not {"country", "indicator", "definition"} <= set(defs.columns):
        return ()
    out = []
    for code in q.sort_countries(defs["country"].unique()):
        d = defs[defs["country"] == code].copy()
        d["order"] = [cb.indicator_order(i) for i in d["indicator"]]
        items = [
            (
                cb.indicator_label(r.indicator),
                cb.country_definition(r.country, r.indicator, r.definition),
                source_line(str(r.source_ids).split(";"), ds.sources, max_n=6).split(": ", 1)[-1]
                if getattr(r, "source_ids", "")
                else "",
            )
            for r in d.sort_values("order").itertuples()
        ]
        out.append((cb.country_label(code), items))
    return tuple(out)


def _indicators(cb):
    """The harmonised indicators in the reader's language: label, short label, definition, unit (the code kept)."""
    ind = cb.indicators
    if ind.empty or "indicator" not in ind.columns:
        return None
    codes = list(ind["indicator"])
    rate = ind["rate"] if "rate" in ind.columns else [""] * len(codes)
    return pd.DataFrame(
        {
            N_("Code"): codes,
            N_("Indicator"): [cb.indicator_label(c) for c in codes],
            N_("Short name"): [cb.indicator_label(c, short=True) for c in codes],
            N_("Definition"): [cb.indicator_definition(c) for c in codes],
            N_("Unit"): [cb.unit_label(u) for u in ind.get("unit", [""] * len(codes))],
            N_("Rate per population"): [i18n._("yes") if r == "yes" else i18n._("no") for r in rate],
        }
    )


SCOPES = {"default": N_("figures"), "population": N_("population figures")}  # data/mapping/precedence.csv `scope`


def _precedence(cb, p: pd.DataFrame) -> pd.DataFrame:
    """The precedence rules in the reader's language: grades by their label, each rule's reason from the data
    texts' catalogue (id 'scope:grade:family'; the original, marked, where none is translated)."""
    if p.empty or not {"scope", "grade", "rank", "why"} <= set(p.columns):
        return p
    t = i18n.current()
    fam = p["family"] if "family" in p.columns else pd.Series([""] * len(p), index=p.index)
    ids = [f"{s}:{g}:{f}" for s, g, f in zip(p["scope"], p["grade"], fam)]
    return pd.DataFrame(
        {
            N_("Applies to"): [i18n._(SCOPES[s]) if s in SCOPES else s for s in p["scope"]],
            N_("Grade"): [cb.grade_label(g) for g in p["grade"]],
            N_("Source family"): list(fam),
            N_("Rank (lower wins)"): list(p["rank"]),
            N_("Why"): [t.data_text("precedence", i, w, "why") for i, w in zip(ids, p["why"])],
        }
    )


def _grades(cb):
    g = cb.grades
    if g.empty or not {"grade", "label", "official", "definition"} <= set(g.columns):
        return None
    g = g.assign(
        label=[cb.grade_label(x) for x in g["grade"]],
        shown_as=[cb.grade_shown_as(x) for x in g["grade"]],
        definition=[cb.grade_definition(x) for x in g["grade"]],
    )
    g = g.rename(columns={"label": N_("Grade"), "definition": N_("What it is"), "shown_as": N_("Shown as")})
    g[N_("Charted by default")] = g["official"].map({"yes": i18n._("yes"), "no": i18n._("no (unconfirmed)")})
    return g[["Grade", "Charted by default", "Shown as", "What it is"]]


KINDS = (N_("exclusive"), N_("overlapping"))  # breakdown kinds, as the rules table shows them


def _rules(cb):
    r = cb.breakdown_rules
    if r.empty or not {"indicator", "breakdown", "kind", "note"} <= set(r.columns):
        return None
    r = r.copy()
    r["Indicator"] = [(i18n._("all") if i == "*" else cb.indicator_label(i)) for i in r["indicator"]]
    r["Breakdown"] = [cb.breakdown_label(b) for b in r["breakdown"]]
    r["note"] = [cb.breakdown_note(i, b) for i, b in zip(r["indicator"], r["breakdown"])]
    r["kind"] = [i18n._(k) for k in r["kind"]]  # exclusive / overlapping (KINDS)
    return r.rename(columns={"kind": N_("Categories"), "note": N_("Why")})[
        ["Breakdown", "Indicator", "Categories", "Why"]
    ]


def _conflicts(ds):
    from etl.figure_key import KEY

    cb = ds.codebook
    conf = prov.conflicts(ds.table, ds.sources, cb)
    if conf.empty:
        return conf, 0
    conf = conf.copy()
    conf["Value"] = value_texts(conf)
    conf["Unit"] = [cb.unit_label(u) for u in conf["unit"]]
    conf["Category"] = conf["category_label"]
    n = conf[KEY].drop_duplicates().shape[0]
    conf["flags"] = [cb.flags_text(f) for f in conf["flags"].fillna("")]
    conf["note"] = row_notes(conf, ds.sources, cb)  # in the reader's language (the table's is English)
    conf = conf.rename(
        columns={
            "country_label": "Country",
            "period_label": "Period",
            "indicator_label": "Indicator",
            "preferred": "Preferred",
            "title": "Source",
            "flags": "Flags",
            "note": "Note",
        }
    )
    return conf[
        ["Country", "Period", "Indicator", "Category", "Unit", "Value", "Preferred", "Source", "Flags", "Note"]
    ], n
