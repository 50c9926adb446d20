"""Presenter decks (pure): a deck is data (data/decks/<id>.json), a list of views with a title and a
one-line speaker note. Each slide's view is an ordinary page query, decoded by the ViewState codec,
so a slide shows exactly what its page shows for that link. `slide_figure` builds the one chart of a
slide with the same builders the pages use."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from components import queries as q
from components.charts import chain_chart, compare_chart, trend_chart
from components.cite import source_line
from components.dataset import Dataset
from components.view_state import DECK_RE, Options, ViewState

DECK_DIR = Path(__file__).resolve().parent.parent / "data" / "decks"
DEFAULT_DECK = "baltic-overview"
SLIDE_PAGES = ("overview", "compare", "trends", "map")


@dataclass(frozen=True)
class Slide:
    page: str
    query: dict
    title: str
    note: str


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    slides: tuple[Slide, ...]


class DeckError(Exception):
    pass


def available(directory: Path = DECK_DIR) -> list[str]:
    return sorted(p.stem for p in Path(directory).glob("*.json") if DECK_RE.fullmatch(p.stem))


def load(deck_id: str, directory: Path = DECK_DIR) -> Deck:
    if not DECK_RE.fullmatch(str(deck_id)):
        raise DeckError("not a deck name")
    path = Path(directory) / f"{deck_id}.json"
    if not path.is_file():
        raise DeckError("no such deck")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        slides = tuple(Slide(page=str(s["page"]), query={str(k): str(v) for k, v in dict(s.get("query") or {}).items()},
                             title=str(s["title"]), note=str(s.get("note", ""))) for s in raw["slides"])
    except (ValueError, KeyError, TypeError) as exc:
        raise DeckError(f"deck file unreadable ({type(exc).__name__})") from exc
    bad = [s.page for s in slides if s.page not in SLIDE_PAGES]
    if bad or not slides:
        raise DeckError("deck has no slides or a slide of an unknown page")
    return Deck(id=deck_id, title=str(raw.get("title", deck_id)), slides=slides)


def slide_view(slide: Slide, options: Options) -> tuple[ViewState, list[str]]:
    return ViewState.from_query(slide.query, options, slide.page)


@dataclass
class SlideFigure:
    kind: str  # 'altair' | 'map'
    chart: object  # alt.Chart or components.map.MapSpec
    rows: pd.DataFrame
    alt_text: str


def slide_figure(ds: Dataset, options: Options, view: ViewState, big: bool = False) -> SlideFigure:
    """The one chart a slide shows for its view (same builders and queries as the pages).

    `big`: taller marks for a projector (bars 84 px a row, line charts 440 px high)."""
    fig = _slide_figure(ds, options, view)
    if big and fig.kind == "altair" and not (view.page == "trends" and view.view == "chain"):
        import altair as alt

        fig.chart = fig.chart.properties(height=alt.Step(84) if view.page == "compare" else 440)
    return fig


def _slide_figure(ds: Dataset, options: Options, view: ViewState) -> SlideFigure:
    cb, t = ds.codebook, ds.table
    years = view.years or (options.year_min, options.year_max)
    if view.page == "compare":
        period = view.resolved_period(options) or ""
        bd = view.resolved_breakdown(options)
        unit = q.unit_for(t, view.indicator, view.measure)
        data = q.compare_data(t, cb, indicator=view.indicator, period=period, breakdown=bd, unit=unit,
                              countries=list(view.countries), unconfirmed=view.unconfirmed)
        bd_text = "" if bd == "total" else f" by {cb.breakdown_label(bd).lower()}"
        title = f"{cb.indicator_label(view.indicator)}{bd_text}, {period}"
        ch = compare_chart(data, title=title, unit_text=cb.unit_label(unit),
                           source_line=source_line(q.source_ids_of(data), ds.sources), stack=view.stack)
        return SlideFigure("altair", ch, data, f"Bar chart: {title}, {cb.unit_label(unit)}.")
    if view.page == "trends" and view.view == "chain":
        data = q.chain_data(t, cb, countries=list(view.countries), year_from=years[0], year_to=years[1],
                            unconfirmed=view.unconfirmed)
        title = f"Justice chain, {years[0]}–{years[1]}"
        ch = chain_chart(data, title=title, unit_text="persons or cases",
                         source_line=source_line(q.source_ids_of(data), ds.sources),
                         stage_order=[cb.indicator_label(i, short=True) for i in q.CHAIN])
        return SlideFigure("altair", ch, data, f"Small multiples: {title}.")
    if view.page == "map":
        from components import map as mp

        period = view.resolved_period(options)
        unit = q.unit_for(t, view.indicator, view.measure)
        spec = mp.build(t, ds.sources, cb, indicator=view.indicator, period=period, unit=unit, sel=view.sel,
                        flows=bool(view.flows), unconfirmed=view.unconfirmed)
        return SlideFigure("map", spec, spec.choropleth, spec.alt_text)
    # trends lines, and overview (victims over time)
    ind = view.indicator if view.page == "trends" else "victims"
    unit = q.unit_for(t, ind, view.measure)
    data = q.trend_data(t, cb, indicator=ind, unit=unit, countries=list(view.countries), year_from=years[0],
                        year_to=years[1], index_base=view.index_base, unconfirmed=view.unconfirmed)
    title = f"{cb.indicator_label(ind)}, {years[0]}–{years[1]}"
    ch = trend_chart(data, title=title, unit_text=cb.unit_label(unit),
                     source_line=source_line(q.source_ids_of(data), ds.sources), indexed=view.index_base is not None,
                     year_domain=(int(data["year"].min()), int(data["year"].max())) if not data.empty else years)
    return SlideFigure("altair", ch, data, f"Line chart: {title}, {cb.unit_label(unit)}, one line per country.")
