"""An organisation's own figures beside an official Figure, never mixed in. Pure: no Streamlit.

`beside(fig, own, page, view, ds)` returns a copy of an official Figure (Compare or Trends) with the uploaded
rows that match its view (indicator, countries, period or years, breakdown, unit) added as a separate layer
of the chart: hollow black squares (and a dashed line on Trends) labelled "figures of <organisation>, not
official statistics". The official rows, bars, lines, key facts, check links and sources are untouched:
an uploaded figure is never preferred over an official one, never stacked into an official bar, never
turned into a per-capita rate. The uploaded rows go to the table under the chart and, through
`fig.own_rows`, to the chart's CSV (export.figure_csv), with the label and the organisation as source.
`beside_build(built, own, page, values, ds)` does the same to a page's main Figure and, where the chart then
shows an NGO indicator the official data never hold, clears what the official builder said about it (its
period note, missing breakdown, definitions and row notes) from the page's model. The Figures in the store
are shared by every session and the API: this makes new ones, per session.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pandas as pd

from components.builders.compare import ComparePage
from components.core import queries as q, style
from components.core.i18n import _
from components.uploads.read import COUNT_UNITS, OWN_GRADE
from components.view.state import Resolved
from etl.countries import COUNTRY_ORDER

OWN_COLOR = "#1A1A1A"  # near-black: apart from every country and category colour
SQUARE = "□"
# the official indicator an NGO indicator is offered beside (Compare's and Trends' indicator lists); an NGO
# indicator without one comes after the official ones
NEAREST_OFFICIAL = {"ngo_persons_assisted": "victims_assisted", "ngo_presumed_victims_referred": "victims_presumed"}
# the legend's symbol: a hollow square on a dashed line, as the figures are drawn (a Vega path within -1..1;
# the square drawn edge by edge: Vega's "Z" closed it to the wrong point)
LEGEND_SYMBOL = "M-1,0H-0.8M-0.62,0H-0.42M-0.3,-0.3H0.3V0.3H-0.3V-0.35M0.42,0H0.62M0.8,0H1"
NO_OFFICIAL_KINDS = ("ngo",)  # indicators never in the official table (codebook kind)


def label(org: str) -> str:
    return _("figures of {organisation}, not official statistics").format(organisation=org)


def indicator_label(name: str) -> str:
    """An NGO indicator as the indicator lists offer it (only while this session has figures under it)."""
    return _("{square} {indicator}: your figures, not official statistics").format(square=SQUARE, indicator=name)


def ngo_indicators(cb) -> set:
    ind = cb.indicators
    if "kind" not in ind.columns:
        return set()
    return set(ind.loc[ind["kind"].isin(NO_OFFICIAL_KINDS), "indicator"])


def _period_keys(rows: pd.DataFrame) -> list[str]:
    return [str(a) if a == b else f"{a}-{b}" for a, b in zip(rows["period_start"], rows["period_end"])]


def _newest_first(periods) -> tuple[str, ...]:
    def key(p):
        a, _sep, b = str(p).partition("-")
        return int(b or a), int(a)

    return tuple(sorted(set(periods), key=key, reverse=True))


def with_own(options, own: pd.DataFrame | None, cb):
    """The Options of Compare and Trends while this session has figures: every indicator, period and year of
    the uploaded rows on offer. An NGO indicator (never in the official table) comes right after its nearest
    official indicator (NEAREST_OFFICIAL), else after the others; its periods, breakdowns and measure are
    those of the uploaded rows. `options` itself (the shared one) is never changed."""
    if own is None or own.empty:
        return options
    inds = list(options.indicators)
    extra = [i for i in dict.fromkeys(own["indicator"]) if i not in inds]
    extra.sort(key=cb.indicator_order)
    added = set(extra)
    for ind in extra:
        near = NEAREST_OFFICIAL.get(ind)
        pos = inds.index(near) + 1 if near in inds else len(inds)
        while pos < len(inds) and inds[pos] in added:  # after the NGO indicators already put there
            pos += 1
        inds.insert(pos, ind)
    periods, default = dict(options.periods), dict(options.period_default)
    breakdowns, measures = dict(options.breakdowns), dict(options.measures)
    per_bds = dict(options.period_breakdowns)
    for ind, g in own.groupby("indicator", sort=False):
        keys = _period_keys(g)
        periods[ind] = _newest_first(list(options.periods_for(ind)) + keys)
        for key, bd in zip(keys, g["breakdown"]):
            have = list(per_bds.get((ind, key), ()))
            per_bds[(ind, key)] = tuple(dict.fromkeys(have + ([bd] if bd not in have else [])))
        if ind in added:
            single = [k for k in periods[ind] if "-" not in k]
            default[ind] = single[0] if single else periods[ind][0]
            breakdowns[ind] = tuple(dict.fromkeys(["total", *g["breakdown"]]))
            measures[ind] = ("absolute",)
    return replace(
        options,
        indicators=tuple(inds),
        periods=periods,
        period_default=default,
        breakdowns=breakdowns,
        measures=measures,
        period_breakdowns=per_bds,
        year_min=min(options.year_min, int(own["period_start"].min())),
        year_max=max(options.year_max, int(own["period_end"].max())),
    )


def _unit(ds, indicator: str, measure: str | None) -> str:
    """The unit a view of `indicator` shows: the official table's, or the codebook's for an indicator the
    table does not hold (an NGO indicator: 'contacts' for hotline contacts)."""
    if measure == "per_million":
        return "per_million"
    if indicator in set(ds.table["indicator"]):
        return q.unit_for(ds.table, indicator, measure or "absolute")
    ind = ds.codebook.indicators
    row = ind[ind["indicator"] == indicator]
    return str(row["unit"].iloc[0]) if not row.empty and row["unit"].iloc[0] else "persons"


def matching(own: pd.DataFrame | None, page: str, view: Resolved, ds, fig) -> tuple[pd.DataFrame, list[str]]:
    """The uploaded rows this view shows, and notes on the uploaded rows it cannot show (and why)."""
    if own is None or own.empty:
        return pd.DataFrame(), []
    indicator = view.indicator
    countries = list(view.countries or ())
    mine = own[(own["indicator"] == indicator) & own["country"].isin(countries)]
    if mine.empty:
        return mine, []
    notes = []
    unit = _unit(ds, indicator, view.measure)
    if unit not in COUNT_UNITS:
        return mine.iloc[0:0], [
            _(
                "Your figures for this indicator are counts: they are not drawn on a rate "
                "(they are never divided by the population). Choose the count to see them."
            )
        ]
    mine = mine[mine["unit"] == unit]
    if page == "compare":
        breakdown = view.breakdown or "total"
        if (
            breakdown != "total"
            and not mine[mine["breakdown"] == "total"].empty
            and mine[mine["breakdown"] == breakdown].empty
        ):
            notes.append(
                _(
                    "Your figures for this indicator are totals: choose the breakdown “Total” to see them "
                    "beside the official bars."
                )
            )
        mine = mine[mine["breakdown"] == breakdown]
        period = view.period or ""
        if period == q.LATEST_PERIOD:  # each country's year as the official bar shows it
            shown = {}
            if fig.rows is not None and not fig.rows.empty:
                for r in fig.rows.itertuples():
                    shown[r.country] = (int(r.period_start), int(r.period_end))
            keep = [
                shown.get(c) == (int(a), int(b))
                if c in shown
                else (int(b) == int(mine.loc[mine["country"] == c, "period_end"].max()))
                for c, a, b in zip(mine["country"], mine["period_start"], mine["period_end"])
            ]
            mine = mine[keep]
        else:
            key = [str(a) if a == b else f"{a}-{b}" for a, b in zip(mine["period_start"], mine["period_end"])]
            mine = mine[[k == period for k in key]]
    else:  # trends: single years within the years shown, totals only
        if view.chart not in (None, "lines") or view.index_base is not None:
            return mine.iloc[0:0], [_("Your figures are drawn on the lines per country without an index.")]
        mine = mine[(mine["breakdown"] == "total") & (mine["period_start"] == mine["period_end"])]
        years = view.years
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
    from components.core.style import fmt_value

    return fmt_value(r.value, bool(r.suppressed), r.unit, r.value_low, r.value_high)


def _records(mine: pd.DataFrame, labels: dict, cb) -> list[dict]:
    """One record a drawn figure; its text label is the value (and the organisation when there are several:
    with one, the subtitle names it, and a phone-wide chart has no room for it beside every mark)."""
    recs = []
    several = mine["organisation"].nunique() > 1
    for r in mine.itertuples():
        shown = _value_text(r)
        recs.append(
            {
                "country": r.country,
                "country_label": labels.get(r.country) or cb.country_label(r.country),
                "year": int(r.period_start),
                "value": 4.0 if r.suppressed else float(r.value),
                "shown": shown,
                "organisation": r.organisation,
                "label": f"{r.organisation}: {shown}" if several else shown,
                "what": label(r.organisation),
                "note": r.note or "",
            }
        )
    return recs


def _tooltip(x_title: str, x_field: str, x_type: str) -> list[dict]:
    return [
        {"field": "country_label", "type": "nominal", "title": _("Country")},
        {"field": x_field, "type": x_type, "title": x_title},
        {"field": "shown", "type": "nominal", "title": _("Value")},
        {"field": "what", "type": "nominal", "title": _("Whose figure")},
        {"field": "note", "type": "nominal", "title": _("Source or note")},
    ]


def _legend(recs: list[dict]) -> dict:
    """The uploaded figures' own legend entry (one per organisation): a hollow square on a dashed line,
    labelled "figures of …, not official statistics". It is a `fill` scale of its own: no official layer
    has one, so it never joins the countries' or the categories' legend."""
    whats = list(dict.fromkeys(r["what"] for r in recs))
    return {
        "field": "what",
        "type": "nominal",
        "title": None,
        "scale": {"domain": whats, "range": ["#ffffff"] * len(whats)},
        "legend": {
            "symbolType": LEGEND_SYMBOL,
            "symbolStrokeColor": OWN_COLOR,
            "symbolStrokeWidth": 2,
            "symbolSize": 900,
            "columns": 1,
            "direction": "vertical",
            "labelLimit": {"expr": "max(160, width - 40)"},
        },
    }


def _square(size: int) -> dict:
    return {
        "type": "point",
        "shape": "square",
        "size": size,
        "filled": True,
        "fill": "white",
        "stroke": OWN_COLOR,
        "strokeWidth": 2.5,
        "opacity": 1,
    }


def _compare_layers(recs: list[dict], y: dict, x: dict | None = None) -> list[dict]:
    data = {"values": recs}
    x = x or {"field": "value", "type": "quantitative", "stack": None}
    point = {
        "data": data,
        "mark": _square(170),
        "encoding": {"x": x, "y": y, "fill": _legend(recs), "tooltip": _tooltip(_("Year"), "year", "ordinal")},
    }
    text = {
        "data": data,
        "mark": {
            "type": "text",
            "align": "left",
            "baseline": "bottom",
            "dx": 8,
            "dy": -6,
            "fontSize": 12,
            "fontWeight": "bold",
            "color": OWN_COLOR,
        },
        "encoding": {"x": x, "y": y, "text": {"field": "label", "type": "nominal"}},
    }
    return [point, text]


def _year_axis(lo: int, hi: int) -> dict:
    """A continuous year axis (quantitative, whole years as ticks): a year without figures keeps its place."""
    pad = 0 if hi > lo else 1
    return {
        "field": "year",
        "type": "quantitative",
        "title": None,
        "scale": {"domain": [lo - pad, hi + pad], "nice": False, "zero": False, "padding": 16},
        # whole years only (never 2021.5): at most one tick a year, fewer where the chart is narrow. (Not
        # `values`: Streamlit's Vega drops some of them; not `tickMinStep`: vl-convert's ignores it.)
        "axis": {
            "format": "d",
            "tickCount": {"expr": f"min({hi - lo + 2 * pad}, ceil(width / 60))"},
            "labelAngle": 0,
            "labelOverlap": True,
            "grid": False,
        },
    }


def _continuous_years(spec: dict, lo: int, hi: int) -> None:
    """Every layer of the official chart on one continuous year axis from `lo` to `hi` (in place)."""
    x = _year_axis(lo, hi)
    for layer in spec.get("layer", []):
        enc = layer.get("encoding") or {}
        if isinstance(enc.get("x"), dict) and enc["x"].get("field") == "year":
            enc["x"] = copy.deepcopy(x)


def _trend_layers(recs: list[dict], x: dict, y: dict | None = None) -> list[dict]:
    """A dashed line in each country's colour through an organisation's yearly figures, a hollow black square
    at each (with the legend entry), '<5' above a withheld count, names at the lines' ends when several
    organisations are drawn."""
    data = {"values": recs}
    y = y or {"field": "value", "type": "quantitative"}
    counted = [r for r in recs if r["shown"] != "<5"]  # a withheld count is a mark, not a point of the line
    codes = [c for c in COUNTRY_ORDER if any(r["country"] == c for r in recs)]
    line = {
        "data": {"values": counted},
        "mark": {"type": "line", "strokeDash": [5, 4], "strokeWidth": 2},
        "encoding": {
            "x": x,
            "y": y,
            # `stroke`, not `color`: a scale of its own, so no country joins the official legend
            "stroke": {
                "field": "country",
                "type": "nominal",
                "legend": None,
                "scale": {"domain": codes, "range": [style.country_color(c) for c in codes]},
            },
            "detail": [{"field": "organisation", "type": "nominal"}, {"field": "country", "type": "nominal"}],
        },
    }
    point = {
        "data": data,
        "mark": _square(90),
        "encoding": {"x": x, "y": y, "fill": _legend(recs), "tooltip": _tooltip(_("Year"), "year", "ordinal")},
    }
    frame = pd.DataFrame(recs)
    last = frame.sort_values("year").groupby(["organisation", "country"]).tail(1).copy()
    many = frame["country"].nunique() > 1
    several = frame["organisation"].nunique() > 1
    last["name"] = [
        f"{o} ({c})" if several and many else (o if several else c)
        for o, c in zip(last["organisation"], last["country_label"])
    ]
    text = {
        "data": {"values": last.to_dict("records")},
        "mark": {
            "type": "text",
            "align": "left",
            "dx": 9,
            "dy": 12,
            "fontSize": 11,
            "fontStyle": "italic",
            "color": OWN_COLOR,
        },
        "encoding": {"x": x, "y": y, "text": {"field": "name", "type": "nominal"}},
    }
    withheld = [r for r in recs if r["shown"] == "<5"]
    # each line's name at its end: which country (and whose) a square is, where a line is too short to say it
    layers = [line, point] + ([text] if many or frame["organisation"].nunique() > 1 else [])
    if withheld:
        layers.append(
            {
                "data": {"values": withheld},
                "mark": {"type": "text", "dy": -12, "fontSize": 11, "color": OWN_COLOR},
                "encoding": {"x": x, "y": y, "text": {"value": "<5"}},
            }
        )
    return layers


def _own_line(orgs: list[str]) -> str:
    return (
        f"{SQUARE} " + "; ".join(label(o) for o in orgs) + " — " + _("drawn apart, never added to the official figures")
    )


def _subtitle(spec: dict, orgs: list[str]) -> None:
    title = spec.get("title")
    if not isinstance(title, dict):
        return
    sub = title.get("subtitle")
    sub = [sub] if isinstance(sub, str) else list(sub or [])
    line = _own_line(orgs)
    sub.append(line)
    title["subtitle"] = sub
    meta = spec.get("usermeta")
    if isinstance(meta, dict) and isinstance(meta.get("subtitle"), list):  # the paragraphs a narrow chart wraps
        spec["usermeta"] = {**meta, "subtitle": list(meta["subtitle"]) + [line]}


def _legends_stacked(spec: dict) -> None:
    """The legends under the chart one above the other, left-aligned (in place): the uploaded figures' entry
    under the countries' or categories' legend instead of beside it, where a phone has no room for both."""
    config = dict(spec.get("config") or {})
    legend = dict(config.get("legend") or {})
    # Vega's legend layout per orient; Vega-Lite's schema takes it as an expression only
    legend["layout"] = {"expr": "{bottom: {anchor: 'start', direction: 'vertical', margin: 6, offset: 14}}"}
    config["legend"] = legend
    spec["config"] = config


def _nothing_official(fig) -> bool:
    """The official figure has nothing to draw (no rows, or only 'no data' rows)."""
    rows = fig.rows
    if rows is None or rows.empty:
        return True
    return "status" in rows.columns and not rows["status"].isin(["value", "suppressed"]).any()


def _own_only(
    spec: dict, recs: list[dict], page: str, view: Resolved, ds, mine: pd.DataFrame, ngo: bool
) -> tuple[dict, str, str]:
    """A chart of the uploaded figures alone, where the official figure has nothing to draw (an NGO indicator,
    or a year or country without an official figure): (spec, title, alt text). It keeps the official chart's
    size, fonts and configuration; the subtitle says that no official figure is drawn, and why."""
    cb = ds.codebook
    from components.builders.common import span_text

    indicator = view.indicator
    unit_text = cb.unit_label(_unit(ds, indicator, view.measure))
    years = (int(mine["period_start"].min()), int(mine["period_end"].max()))
    title = _("{indicator}, {period}").format(indicator=cb.indicator_label(indicator), period=span_text(years))
    orgs = sorted(set(mine["organisation"]))
    why = (
        _("No official statistics exist for this indicator: only the figures you uploaded are drawn.")
        if ngo
        else _("No official figure for this selection: only the figures you uploaded are drawn.")
    )
    subtitle = [unit_text, why, _own_line(orgs)]
    if page == "compare":
        countries = [c for c in COUNTRY_ORDER if c in set(view.countries or ())] or sorted(set(mine["country"]))
        labels = [cb.country_label(c) for c in countries]
        for r in recs:
            r["country_label"] = cb.country_label(r["country"])
        y = {
            "field": "country_label",
            "type": "nominal",
            "title": None,
            "sort": labels,
            "scale": {"domain": labels},
            "axis": {"labelFontSize": 13, "labelFontWeight": "bold"},
        }
        layers = _compare_layers(
            recs,
            y,
            {
                "field": "value",
                "type": "quantitative",
                "stack": None,
                "title": unit_text,
                "scale": {"zero": True},
                "axis": {"format": ",~f"},
            },
        )
        height = max(56 * len(labels), min(style.CHART_HEIGHT, 120 * len(labels)))
        what = _("Chart of the figures you uploaded: {title}, {unit}, one square a country.")
    else:
        layers = _trend_layers(
            recs,
            _year_axis(*years),
            {"field": "value", "type": "quantitative", "title": unit_text, "scale": {"zero": True}},
        )
        height = style.CHART_HEIGHT
        what = _("Chart of the figures you uploaded: {title}, {unit}, a dashed line a country.")
    keep = {k: v for k, v in spec.items() if k in ("$schema", "config", "width", "autosize", "padding", "background")}
    official_title = spec.get("title") if isinstance(spec.get("title"), dict) else {}
    new = {
        **keep,
        "title": {**official_title, "text": title, "subtitle": subtitle},
        "usermeta": {
            **{k: v for k, v in (spec.get("usermeta") or {}).items() if k != "title"},
            "subtitle": list(subtitle),
        },
        "height": height,
        "layer": layers,
    }
    alt_text = (
        what.format(title=title, unit=unit_text)
        + " "
        + why
        + " "
        + _("The same numbers are in the table below the chart.")
    )
    return new, title, alt_text


def _table(fig, mine: pd.DataFrame, cb) -> pd.DataFrame:
    if fig.table is None:
        return fig.table
    cols = list(fig.table.columns)
    rows = []
    for r in mine.itertuples():
        rec = {
            "Country": cb.country_label(r.country),
            "Year": int(r.period_start),
            "Value": _value_text(r),
            "Category": cb.category_label(r.breakdown, r.category),
            "Grade": label(r.organisation),
            "Source id": r.source_id,
            "Flags": "",
            "Note": r.note or "",
        }
        if "Grade" not in cols:
            rec["Source id"] = f"{r.source_id} ({label(r.organisation)})"
        rows.append({c: rec.get(c, "") for c in cols})
    return pd.concat([fig.table, pd.DataFrame(rows, columns=cols)], ignore_index=True) if rows else fig.table


def csv_rows(mine: pd.DataFrame) -> pd.DataFrame:
    """The uploaded rows as a chart's CSV carries them: harmonised columns, the label in `grade`'s words,
    the organisation as the source (never a source id of sources.csv)."""
    from components.draw.files import tidy

    out = tidy(mine.drop(columns=["organisation"], errors="ignore")).copy()
    out["grade"] = OWN_GRADE
    out["preferred"] = False
    out["note"] = [label(o) + (f" — {n}" if n else "") for o, n in zip(mine["organisation"], mine["note"])]
    out["source_publisher"] = list(mine["organisation"])
    out["source_title"] = [label(o) for o in mine["organisation"]]
    out["source_url"] = ""
    out["source_accessed"] = ""
    return out


def beside(fig, own: pd.DataFrame | None, page: str, view: Resolved, ds):
    """`fig` with the matching uploaded rows drawn beside it (a new Figure; `fig` is not changed). Where the
    official figure has nothing to draw, the chart shows the uploaded figures alone and says so."""
    return _beside(fig, own, page, view, ds)[0]


def beside_build(built, own: pd.DataFrame | None, page: str, view: Resolved, ds):
    """A page's PageBuild with its main Figure `beside(...)`; where that chart shows an NGO indicator alone,
    the page model's official notes about it are cleared (they do not apply)."""
    if built.main is None:
        return built
    fig, official_cleared = _beside(built.main, own, page, view, ds)
    if fig is built.main:
        return built
    model = built.page
    if official_cleared and isinstance(model, ComparePage):
        model = replace(model, period_note="", missing=None, definitions=(), row_notes=())
    return replace(built, figures=(fig, *built.figures[1:]), page=model)


def _beside(fig, own, page, view, ds):
    """(the new Figure, whether the official builder's notes about the view were cleared)."""
    mine, notes = matching(own, page, view, ds, fig)
    notes = list(notes)
    if mine.empty and not notes:
        return fig, False
    cb = ds.codebook
    own_rows = None
    cleared = False
    spec = fig.chart_spec()
    new_spec, title, alt_text = spec, fig.title, fig.alt_text
    ngo = view.indicator in ngo_indicators(cb)
    drawn = False
    if not mine.empty and spec is not None:
        chartable = mine if page != "compare" else mine[mine["breakdown"] == "total"]
        if not chartable.empty and (_nothing_official(fig) or ngo):
            recs = _records(chartable, {}, cb)
            new_spec, title, alt_text = _own_only(spec, recs, page, view, ds, chartable, ngo)
            drawn = True
            if ngo:  # what the official builder said about an indicator it never holds does not apply
                fig = replace(fig, notes=(), table=fig.table.iloc[0:0] if fig.table is not None else None)
                cleared = True
        elif not chartable.empty and isinstance(spec.get("layer"), list):
            new_spec = copy.deepcopy(spec)
            recs = _records(chartable, _country_labels(spec, cb), cb)
            if page == "compare":
                layers = _compare_layers(recs, {"field": "country_label", "type": "nominal"})
            else:
                years = [r["year"] for r in recs] + list(fig.period or ())
                _continuous_years(new_spec, min(years), max(years))
                layers = _trend_layers(recs, _year_axis(min(years), max(years)))
            new_spec["layer"] = list(new_spec["layer"]) + layers
            _subtitle(new_spec, sorted(set(chartable["organisation"])))
            _legends_stacked(new_spec)
            drawn = True
    if not mine.empty and not drawn:
        notes.append(
            _(
                "Your figures for this view are in the table under the chart (not drawn: the chart "
                "shows a breakdown by category)."
            )
        )
    if not mine.empty:
        orgs = sorted(set(mine["organisation"]))
        notes.append(
            _(
                "{square} Your figures ({n}), from your upload: {labels}. Shown beside the official "
                "figures, never instead of them or added to them."
            ).format(square=SQUARE, n=len(mine), labels="; ".join(label(o) for o in orgs))
        )
        own_rows = csv_rows(mine)
    return replace(
        fig,
        spec=new_spec,
        screen=None,
        make_spec=None,
        _made={},
        notes=tuple(fig.notes) + tuple(notes),
        table=_table(fig, mine, cb),
        own_rows=own_rows,
        title=title,
        alt_text=alt_text,
    ), cleared


def _line(r) -> str:
    period = str(r.period_start) if r.period_start == r.period_end else f"{r.period_start}–{r.period_end}"
    return f"{SQUARE} {label(r.organisation)}: {_value_text(r)} ({period})"


def figure_lines(own: pd.DataFrame | None, key: dict) -> list[str]:
    """The uploaded values of one figure (the Check page): a line each, never in the sources' table."""
    if own is None or own.empty or not key:
        return []
    m = own[
        (own["country"] == key.get("country"))
        & (own["indicator"] == key.get("indicator"))
        & (own["breakdown"] == key.get("breakdown"))
        & (own["category"] == key.get("category"))
        & (own["unit"] == key.get("unit"))
        & (own["period_start"] == int(key.get("period_start", -1)))
        & (own["period_end"] == int(key.get("period_end", -1)))
    ]
    return [_line(r) for r in m.itertuples()]


def card_lines(own: pd.DataFrame | None, country: str, year: int | None, indicator: str = "victims") -> list[str]:
    """An Overview card's uploaded figure(s) for its indicator: the card's year if given, else the latest."""
    if own is None or own.empty:
        return []
    m = own[
        (own["country"] == country)
        & (own["indicator"] == indicator)
        & (own["breakdown"] == "total")
        & (own["period_start"] == own["period_end"])
    ]
    if m.empty:
        return []
    same = m[m["period_start"] == year] if year else m.iloc[0:0]
    m = same if not same.empty else m[m["period_start"] == m["period_start"].max()]
    return [_line(r) for r in m.itertuples()]
