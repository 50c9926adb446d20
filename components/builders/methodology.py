"""Methodology: the coverage chart (main figure) and the tables the page explains: definitions per country,
evidence grades, precedence, breakdown rules, conflicts, licences, the dataset citation."""

from __future__ import annotations

from components import export as ex
from components import provenance as prov
from components import queries as q
from components.builders.common import chart_figure, derived, value_texts
from components.charts import coverage_chart
from components.cite import dataset_citation, licences, source_line

COVERAGE_TITLE = "Which figures exist: country × year × indicator"


def build(ds, view, options):
    cb = ds.codebook
    cov = q.coverage(ds.table, cb)
    total_rows = ds.table[ds.table["breakdown"] == "total"]
    chart = coverage_chart(cov, title=COVERAGE_TITLE, source_line=source_line(q.total_source_ids(ds.table), ds.sources))
    wide = None
    if not cov.empty:
        wide = cov.pivot_table(index=["country_label", "indicator_label"], columns="year", values="n_sources",
                               aggfunc="first").fillna(0).astype(int).reset_index()
        wide.columns = [str(c) for c in wide.columns]
        wide = wide.rename(columns={"country_label": "Country", "indicator_label": "Indicator"})
    extra = {"definitions": _definitions(ds), "grades": _grades(cb), "precedence": derived(
        ds, "precedence", lambda d: prov.precedence_table(d.data_dir)), "rules": _rules(cb),
        "conflicts": _conflicts(ds), "licences": licences(ds.sources), "citation": dataset_citation(ds.meta),
        "indicators": cb.indicators.rename(columns=str.capitalize) if not cb.indicators.empty else None}
    return (chart_figure(ds, key="coverage", chart=chart, rows=total_rows, csv_rows=ex.tidy(total_rows.iloc[0:0]),
                         title=COVERAGE_TITLE, unit="", table=wide, name=dict(indicator="coverage"),
                         alt_text=("Heatmap of data coverage: for each country, indicator and year, whether a total "
                                   "exists, is suppressed, or has no preferred value, and how many sources give it. "
                                   "The table below lists the same."), extra=extra),)


def _definitions(ds) -> tuple:
    """(country label, [(indicator label, definition, sources line)]) per country."""
    defs, cb = ds.country_definitions, ds.codebook
    if defs.empty or not {"country", "indicator", "definition"} <= set(defs.columns):
        return ()
    out = []
    for code in q.sort_countries(defs["country"].unique()):
        d = defs[defs["country"] == code].copy()
        d["order"] = [cb.indicator_order(i) for i in d["indicator"]]
        items = [(cb.indicator_label(r.indicator), r.definition,
                  source_line(str(r.source_ids).split(";"), ds.sources, max_n=6).split(": ", 1)[-1]
                  if getattr(r, "source_ids", "") else "") for r in d.sort_values("order").itertuples()]
        out.append((cb.country_label(code), items))
    return tuple(out)


def _grades(cb):
    g = cb.grades
    if g.empty or not {"grade", "label", "official", "definition"} <= set(g.columns):
        return None
    g = g.rename(columns={"label": "Grade", "definition": "What it is", "shown_as": "Shown as"})
    g["Charted by default"] = g["official"].map({"yes": "yes", "no": "no (unconfirmed)"})
    return g[["Grade", "Charted by default", "Shown as", "What it is"]]


def _rules(cb):
    r = cb.breakdown_rules
    if r.empty or not {"indicator", "breakdown", "kind", "note"} <= set(r.columns):
        return None
    r = r.copy()
    r["Indicator"] = [("all" if i == "*" else cb.indicator_label(i)) for i in r["indicator"]]
    r["Breakdown"] = [cb.breakdown_label(b) for b in r["breakdown"]]
    return r.rename(columns={"kind": "Categories", "note": "Why"})[["Breakdown", "Indicator", "Categories", "Why"]]


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
    conf = conf.rename(columns={"country_label": "Country", "period_label": "Period", "indicator_label": "Indicator",
                                "preferred": "Preferred", "title": "Source", "flags": "Flags", "note": "Note"})
    return conf[["Country", "Period", "Indicator", "Category", "Unit", "Value", "Preferred", "Source", "Flags",
                 "Note"]], n
