"""Map: the three states shaded by one indicator and period (pydeck on screen; the same data as a static
Vega-Lite map for PNG/SVG and slides), optional flows, and a chosen country's detail charts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import pandas as pd

from components.builders import main_figure, trends
from components.builders.common import definition_notes, period_note, period_text, value_texts
from components.core import i18n, locations, queries as q
from components.core.cite import source_line
from components.core.figure import Figure, PageBuild
from components.core.i18n import N_
from components.core.notes import row_notes
from components.draw import files as ex, geo, map_deck as mp
from components.draw.map_static import static_map
from components.view.state import Resolved, ViewState
from etl.countries import BALTIC


def _years(period: str | None) -> tuple[int, int] | None:
    if not period:
        return None
    a, _, b = str(period).partition("-")
    return int(a), int(b or a)


@dataclass(frozen=True, eq=False)
class MapPage:
    """What the Map page shows beside its map and the chosen country's detail charts."""

    period_note: str  # how the period was chosen, when it is not the one asked for
    legend: tuple[dict, ...]  # the zoomable map's legend swatches (the drawn map holds its own)
    attribution: str  # the geodata's and the capitals' attribution
    flows: pd.DataFrame | None  # the table of the flow arcs (None when they are not drawn)


def build(ds, r: Resolved, options) -> PageBuild[MapPage]:
    cb, t = ds.codebook, ds.table
    indicator, period, sel, flows = r.indicator, r.period, r.sel, r.flows
    zoomable = flows or r.zoom  # the arcs need the WebGL map; otherwise the page draws the static one
    unit = q.unit_for(t, indicator, r.measure)
    spec = mp.build(
        t,
        ds.sources,
        cb,
        indicator=indicator,
        period=period,
        unit=unit,
        sel=sel,
        flows=flows,
        unconfirmed=r.unconfirmed,
    )
    label, unit_text = cb.indicator_label(indicator), cb.unit_label(unit)
    title = i18n._("{indicator}, {period}").format(indicator=label, period=period_text(period))
    choro = spec.choropleth.copy()
    shown = choro[choro["status"] != "no_data"]
    ids = tuple(q.source_ids_of(shown))
    src = source_line(ids, ds.sources)
    notes = []  # the static map prints the geodata attribution itself
    # a state whose figure counts something else: said in words on the map, before its class is compared
    caveats = tuple(definition_notes(shown, cb, indicator=indicator, year=(_years(period) or (0, 0))[0]))
    if flows and spec.flows.empty:
        notes.append(
            (
                i18n._("No victims by citizenship or country of repatriation are recorded for {period} in {country}.")
                if sel
                else i18n._(
                    "No victims by citizenship or country of repatriation are recorded for {period} in the "
                    "three states."
                )
            ).format(period=period, country=cb.country_label(sel) if sel else "")
        )
    table = choro.assign(
        Country=[cb.country_label(c) for c in choro["country"]],
        Value=value_texts(choro.assign(unit=unit)),
        Flags=[cb.flags_text(f) for f in choro["flags"].fillna("")],
        note=row_notes(choro, ds.sources, cb),
    ).rename(columns={"period_label": N_("Period"), "source_id": N_("Source id"), "note": N_("Note")})[
        [N_("Country"), "Period", N_("Value"), "Source id", N_("Flags"), "Note"]
    ]
    rows = choro.assign(
        indicator=indicator,
        unit=unit,
        breakdown="total",
        category="total",
        period_start=(_years(period) or (0, 0))[0],
        period_end=(_years(period) or (0, 0))[1],
    )
    source_rows = rows if spec.flows.empty or not flows else pd.concat([rows, spec.flows], ignore_index=True)
    static_rows, legend = mp.static_inputs(spec, cb)
    # the static map: the page's map unless it is zoomable; then built when a file or a slide asks for it
    static = partial(
        _static_spec,
        static_rows,
        legend,
        title=title,
        unit=unit_text,
        source_line=src,
        notes=tuple(notes),
        sel=sel,
        unit_code=unit,
        lang=i18n.lang(),
    )
    main = Figure(
        kind="map",
        key="map",
        title=title,
        unit=unit_text,
        period=_years(period) if ids else None,
        rows=ex.tidy(rows),
        table=table,
        source_ids=tuple(q.source_ids_of(source_rows)),
        source_line=src,
        alt_text=spec.alt_text,
        make_spec=static if zoomable else None,
        spec=None if zoomable else static(),
        deck=spec.deck if zoomable else None,
        notes=tuple(notes),
        caveats=caveats,
        file_stem=ex.file_name("x", countries=BALTIC, indicator=indicator, unit=unit, period=period)[:-2],
    )
    page = MapPage(
        period_note=period_note(options, indicator, period, list(BALTIC), cb),
        legend=tuple(spec.legend),
        attribution=f"{geo.attribution()}. " + i18n._("Flow ends: capitals from GeoNames."),
        flows=_flows_table(spec.flows, cb) if flows else None,
    )
    figs = [main]
    if sel:
        figs.append(
            replace(
                trends.lines(
                    ds,
                    indicator=indicator,
                    measure=r.measure,
                    countries=[sel],
                    unconfirmed=r.unconfirmed,
                    key="detail-trend",
                    subject=i18n._("{indicator} over time, {country}").format(
                        indicator=label, country=cb.country_label(sel)
                    ),
                ),
                key="detail-trend",
            )
        )
        if "exploitation" in q.breakdowns_available(t, indicator, period):
            by_form = ViewState(
                page="compare",
                countries=(sel,),
                indicator=indicator,
                period=period,
                breakdown="exploitation",
                measure=r.measure,
                unconfirmed=r.unconfirmed,
            )
            # the Compare page's own Figure for that view (resolved at the builders' entry)
            figs.append(replace(main_figure(ds, by_form, options), key="detail-exploitation"))
    return PageBuild(tuple(figs), page)


def _static_spec(rows, legend, lang=None, **kw) -> dict:
    with i18n.using(lang):  # built later (a file, a slide), in the view's language
        return static_map(rows, legend, **kw)  # built from checked parts, not validated (0.1 s)


def _flows_table(flows: pd.DataFrame, cb) -> pd.DataFrame | None:
    if flows is None or flows.empty:
        return None
    fl = flows.copy()
    fl["Country"] = [cb.country_label(c) for c in fl["country"]]
    fl["Partner"] = [cb.country_label(c) for c in fl["partner"]]
    fl["Direction"] = fl["direction"].map(
        {"in": i18n._("citizenship (into the state)"), "out": i18n._("repatriated from (out of the state)")}
    )
    fl["Flags"] = [cb.flags_text(f) for f in fl["flags"].fillna("")]
    fl["source_location"] = fl["source_location"].map(locations.said)
    fl = fl.rename(
        columns={"label": N_("Victims"), "source_id": "Source id", "source_location": N_("Where in the source")}
    )
    return fl[["Country", N_("Direction"), N_("Partner"), "Victims", "Source id", "Where in the source", "Flags"]]
