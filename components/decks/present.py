"""Present: one slide of a deck. A slide IS its page's main Figure for the slide's query (same builder,
same title, period, unit, numbers and sources); the deck adds the slide's heading and speaker note."""

from __future__ import annotations

from dataclasses import replace

from components.builders import main_figure
from components.view import deck as dk
from components.view.options import Options
from components.view.state import Resolved, ViewState, resolve


def slide_view(slide: dk.Slide, options: Options) -> tuple[Resolved, list[str]]:
    """A slide's view, resolved once, and a notice for each part of its query the data cannot show."""
    view, notices = ViewState.from_query(slide.query, options, slide.page)
    return resolve(view, options), notices


def build(ds, r: Resolved, options: Options):
    deck = dk.load(r.deck)  # an unknown deck or a slide beyond its end: resolved to the default, with a notice
    slide = deck.slides[r.slide - 1]
    shown, bad = slide_view(slide, options)
    fig = main_figure(ds, shown, options)
    return (replace(fig, extra={**fig.extra, "deck": deck, "n": r.slide, "slide": slide, "slide_notices": tuple(bad)}),)
