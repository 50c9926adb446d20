"""An organisation's own figures beside an official Figure, never mixed in. Pure: no Streamlit.

`beside(fig, own, values, ds)` returns a copy of an official Figure (Compare or Trends) with the uploaded
rows that match its view (indicator, countries, period or years, breakdown, unit) added as a separate layer
of the chart: hollow black squares (and a dashed line on Trends) labelled "figures of <organisation>, not
official statistics". The official rows, bars, lines, key facts, check links and sources are untouched:
an uploaded figure is never preferred over an official one, never stacked into an official bar, never
turned into a per-capita rate. The uploaded rows go to the table under the chart and, through
`fig.extra["own_rows"]`, to the chart's CSV (export.figure_csv), with the label and the organisation as
source. The Figures in the app's cache are shared by every session: this makes a new one, per session.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pandas as pd

from components import queries as q
from components.i18n import _
from components.uploads import COUNT_UNITS, OWN_GRADE

OWN_COLOR = "#1A1A1A"  # near-black: apart from every country and category colour
SQUARE = "□"


def label(org: str) -> str:
    return _("figures of {organisation}, not official statistics").format(organisation=org)


def matching(own: pd.DataFrame | None, page: str, values: dict, ds, fig) -> tuple[pd.DataFrame, list[str]]:
    """The uploaded rows this view shows, and notes on the uploaded rows it cannot show (and why)."""
    if own is None or own.empty:
        return pd.DataFrame(), []
    indicator = values.get("indicator")
    countries = list(values.get("countries") or ())
    mine = own[(own["indicator"] == indicator) & own["country"].isin(countries)]
    if mine.empty:
        return mine, []
    notes = []
    unit = q.unit_for(ds.table, indicator, values.get("measure") or "count")
    if unit not in COUNT_UNITS:
        return mine.iloc[0:0], [_("Your figures for this indicator are counts: they are not drawn on a rate "
                                  "(they are never divided by the population). Choose the count to see them.")]
    mine = mine[mine["unit"] == unit]
    if page == "compare":
        breakdown = values.get("breakdown") or "total"
        if breakdown != "total" and not mine[mine["breakdown"] == "total"].empty \
                and mine[mine["breakdown"] == breakdown].empty:
            notes.append(_("Your figures for this indicator are totals: choose the breakdown “Total” to see them "
                           "beside the official bars."))
        mine = mine[mine["breakdown"] == breakdown]
        period = values.get("period") or ""
        if period == q.LATEST_PERIOD:  # each country's year as the official bar shows it
            shown = {}
            if fig.rows is not None and not fig.rows.empty:
                for r in fig.rows.itertuples():
                    shown[r.country] = (int(r.period_start), int(r.period_end))
            keep = [shown.get(c) == (int(a), int(b)) if c in shown else
                    (int(b) == int(mine.loc[mine["country"] == c, "period_end"].max()))
                    for c, a, b in zip(mine["country"], mine["period_start"], mine["period_end"])]
            mine = mine[keep]
        else:
            key = [str(a) if a == b else f"{a}-{b}" for a, b in zip(mine["period_start"], mine["period_end"])]
            mine = mine[[k == period for k in key]]
    else:  # trends: single years within the years shown, totals only
        if values.get("view") not in (None, "lines") or values.get("index_base") is not None:
            return mine.iloc[0:0], [_("Your figures are drawn on the lines per country without an index.")]
        mine = mine[(mine["breakdown"] == "total") & (mine["period_start"] == mine["period_end"])]
        years = values.get("years")
        if years:
            mine = mine[(mine["period_start"] >= years[0]) & (mine["period_start"] <= years[1])]
    return mine.reset_index(drop=True), notes


def _country_labels(spec: dict, cb) -> dict:
    """country code -> the label the chart uses for it (Compare may add '(2023)' to it)."""
    out = {}
    for values in (spec.get("datasets") or {}).values():
        for rec in values:
            if isinstance(rec, dict) and "country" in rec and rec.get("country_label"):
                out.setdefault(rec["country"], rec["country_label"])
    return out


def _value_text(r) -> str:
    from components.style import fmt_value

    return fmt_value(r.value, bool(r.suppressed), r.unit, r.value_low, r.value_high)


def _records(mine: pd.DataFrame, labels: dict, cb) -> list[dict]:
    """One record a drawn figure; its text label is the value (and the organisation when there are several:
    with one, the subtitle names it, and a phone-wide chart has no room for it beside every mark)."""
    recs = []
    several = mine["organisation"].nunique() > 1
    for r in mine.itertuples():
        shown = _value_text(r)
        recs.append({"country": r.country, "country_label": labels.get(r.country) or cb.country_label(r.country),
                     "year": int(r.period_start), "value": 4.0 if r.suppressed else float(r.value),
                     "shown": shown, "organisation": r.organisation, "label": f"{r.organisation}: {shown}" if several else shown,
                     "what": label(r.organisation), "note": r.note or ""})
    return recs


def _tooltip(x_title: str, x_field: str, x_type: str) -> list[dict]:
    return [{"field": "country_label", "type": "nominal", "title": _("Country")},
            {"field": x_field, "type": x_type, "title": x_title},
            {"field": "shown", "type": "nominal", "title": _("Value")},
            {"field": "what", "type": "nominal", "title": _("Whose figure")},
            {"field": "note", "type": "nominal", "title": _("Source or note")}]


def _compare_layers(recs: list[dict], spec: dict) -> list[dict]:
    data = {"values": recs}
    y = {"field": "country_label", "type": "nominal"}
    point = {"data": data, "mark": {"type": "point", "shape": "square", "size": 170, "filled": True,
                                    "fill": "white", "stroke": OWN_COLOR, "strokeWidth": 2.5, "opacity": 1},
             "encoding": {"x": {"field": "value", "type": "quantitative", "stack": None}, "y": y,
                          "tooltip": _tooltip(_("Year"), "year", "ordinal")}}
    text = {"data": data, "mark": {"type": "text", "align": "left", "baseline": "bottom", "dx": 8, "dy": -6,
                                   "fontSize": 12, "fontWeight": "bold", "color": OWN_COLOR},
            "encoding": {"x": {"field": "value", "type": "quantitative", "stack": None}, "y": y,
                         "text": {"field": "label", "type": "nominal"}}}
    return [point, text]


def _trend_layers(recs: list[dict], spec: dict) -> list[dict]:
    color = None
    for layer in spec.get("layer", []):
        enc = layer.get("encoding", {})
        if enc.get("color", {}).get("field") == "country_label" and "scale" in enc["color"]:
            color = {"field": "country_label", "type": "nominal", "scale": enc["color"]["scale"], "legend": None}
            break
    data = {"values": recs}
    x = {"field": "year", "type": "ordinal"}
    y = {"field": "value", "type": "quantitative"}
    counted = [r for r in recs if r["shown"] != "<5"]  # a withheld count is a mark, not a point of the line
    line = {"data": {"values": counted}, "mark": {"type": "line", "strokeDash": [5, 4], "strokeWidth": 2,
                                                  "color": OWN_COLOR},
            "encoding": {"x": x, "y": y, "detail": {"field": "organisation", "type": "nominal"},
                         **({"color": color} if color else {})}}
    line["encoding"]["detail"] = [{"field": "organisation", "type": "nominal"},
                                  {"field": "country", "type": "nominal"}]
    point = {"data": data, "mark": {"type": "point", "shape": "square", "size": 90, "filled": True, "fill": "white",
                                    "stroke": OWN_COLOR, "strokeWidth": 2.5, "opacity": 1},
             "encoding": {"x": x, "y": y, "tooltip": _tooltip(_("Year"), "year", "ordinal")}}
    frame = pd.DataFrame(recs)
    last = frame.sort_values("year").groupby(["organisation", "country"]).tail(1).copy()
    many = frame["country"].nunique() > 1
    last["name"] = [f"{o} ({c})" if many else o for o, c in zip(last["organisation"], last["country_label"])]
    text = {"data": {"values": last.to_dict("records")},
            "mark": {"type": "text", "align": "left", "dx": 9, "dy": 12, "fontSize": 11, "fontStyle": "italic",
                     "color": OWN_COLOR},
            "encoding": {"x": x, "y": y, "text": {"field": "name", "type": "nominal"}}}
    withheld = [r for r in recs if r["shown"] == "<5"]
    layers = [line, point] + ([text] if frame["organisation"].nunique() > 1 else [])
    if withheld:
        layers.append({"data": {"values": withheld},
                       "mark": {"type": "text", "dy": -12, "fontSize": 11, "color": OWN_COLOR},
                       "encoding": {"x": x, "y": y, "text": {"value": "<5"}}})
    return layers


def _subtitle(spec: dict, orgs: list[str]) -> None:
    title = spec.get("title")
    if not isinstance(title, dict):
        return
    sub = title.get("subtitle")
    sub = [sub] if isinstance(sub, str) else list(sub or [])
    line = (f"{SQUARE} " + "; ".join(label(o) for o in orgs) + " — "
            + _("drawn apart, never added to the official figures"))
    sub.append(line)
    title["subtitle"] = sub
    meta = spec.get("usermeta")
    if isinstance(meta, dict) and isinstance(meta.get("subtitle"), list):  # the paragraphs a narrow chart wraps
        spec["usermeta"] = {**meta, "subtitle": list(meta["subtitle"]) + [line]}


def _table(fig, mine: pd.DataFrame, cb) -> pd.DataFrame:
    if fig.table is None:
        return fig.table
    cols = list(fig.table.columns)
    rows = []
    for r in mine.itertuples():
        rec = {"Country": cb.country_label(r.country), "Year": int(r.period_start), "Value": _value_text(r),
               "Category": cb.category_label(r.breakdown, r.category), "Grade": label(r.organisation),
               "Source id": r.source_id, "Flags": "", "Note": r.note or ""}
        if "Grade" not in cols:
            rec["Source id"] = f"{r.source_id} ({label(r.organisation)})"
        rows.append({c: rec.get(c, "") for c in cols})
    return pd.concat([fig.table, pd.DataFrame(rows, columns=cols)], ignore_index=True) if rows else fig.table


def csv_rows(mine: pd.DataFrame) -> pd.DataFrame:
    """The uploaded rows as a chart's CSV carries them: harmonised columns, the label in `grade`'s words,
    the organisation as the source (never a source id of sources.csv)."""
    from components.export import tidy

    out = tidy(mine.drop(columns=["organisation"], errors="ignore")).copy()
    out["grade"] = OWN_GRADE
    out["preferred"] = False
    out["note"] = [label(o) + (f" — {n}" if n else "") for o, n in zip(mine["organisation"], mine["note"])]
    out["source_publisher"] = list(mine["organisation"])
    out["source_title"] = [label(o) for o in mine["organisation"]]
    out["source_url"] = ""
    out["source_accessed"] = ""
    return out


def beside(fig, own: pd.DataFrame | None, page: str, values: dict, ds):
    """`fig` with the matching uploaded rows drawn beside it (a new Figure; `fig` is not changed)."""
    mine, notes = matching(own, page, values, ds, fig)
    notes = list(notes)
    if mine.empty and not notes:
        return fig
    cb = ds.codebook
    extra = dict(fig.extra or {})
    spec = fig.chart_spec()
    new_spec = spec
    drawn = False
    if not mine.empty and spec is not None and isinstance(spec.get("layer"), list):
        chartable = mine if page != "compare" else mine[mine["breakdown"] == "total"]
        if not chartable.empty:
            new_spec = copy.deepcopy(spec)
            recs = _records(chartable, _country_labels(spec, cb), cb)
            new_spec["layer"] = list(new_spec["layer"]) + (
                _compare_layers(recs, new_spec) if page == "compare" else _trend_layers(recs, new_spec))
            _subtitle(new_spec, sorted(set(chartable["organisation"])))
            drawn = True
    if not mine.empty and not drawn:
        notes.append(_("Your figures for this view are in the table under the chart (not drawn: the chart "
                       "shows a breakdown by category)."))
    if not mine.empty:
        orgs = sorted(set(mine["organisation"]))
        notes.append(_("{square} Your figures ({n}), from your upload: {labels}. Shown beside the official "
                       "figures, never instead of them or added to them.").format(
            square=SQUARE, n=len(mine), labels="; ".join(label(o) for o in orgs)))
        extra["own_rows"] = csv_rows(mine)
    return replace(fig, spec=new_spec, screen=None, make_spec=None, _made={}, notes=tuple(fig.notes) + tuple(notes),
                   table=_table(fig, mine, cb), extra=extra)


def _line(r) -> str:
    period = str(r.period_start) if r.period_start == r.period_end else f"{r.period_start}–{r.period_end}"
    return f"{SQUARE} {label(r.organisation)}: {_value_text(r)} ({period})"


def figure_lines(own: pd.DataFrame | None, key: dict) -> list[str]:
    """The uploaded values of one figure (the Check page): a line each, never in the sources' table."""
    if own is None or own.empty or not key:
        return []
    m = own[(own["country"] == key.get("country")) & (own["indicator"] == key.get("indicator"))
            & (own["breakdown"] == key.get("breakdown")) & (own["category"] == key.get("category"))
            & (own["unit"] == key.get("unit")) & (own["period_start"] == int(key.get("period_start", -1)))
            & (own["period_end"] == int(key.get("period_end", -1)))]
    return [_line(r) for r in m.itertuples()]


def card_lines(own: pd.DataFrame | None, country: str, year: int | None, indicator: str = "victims") -> list[str]:
    """An Overview card's uploaded figure(s) for its indicator: the card's year if given, else the latest."""
    if own is None or own.empty:
        return []
    m = own[(own["country"] == country) & (own["indicator"] == indicator) & (own["breakdown"] == "total")
            & (own["period_start"] == own["period_end"])]
    if m.empty:
        return []
    same = m[m["period_start"] == year] if year else m.iloc[0:0]
    m = same if not same.empty else m[m["period_start"] == m["period_start"].max()]
    return [_line(r) for r in m.itertuples()]
