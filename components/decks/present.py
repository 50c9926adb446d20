"""Present: one slide of a deck. A slide IS its page's main Figure for the slide's query (same builder,
same title, period, unit, numbers and sources); the deck adds the slide's heading and speaker note."""

from __future__ import annotations

from dataclasses import dataclass

from components.builders import main_figure
from components.core.figure import PageBuild
from components.view import deck as dk
from components.view.options import Options
from components.view.state import Resolved, ViewState, resolve


@dataclass(frozen=True, eq=False)
class PresentPage:
    """The slide shown, within its deck (its Figure is the PageBuild's one Figure)."""

    deck: dk.Deck
    n: int  # 1-based number of the slide
    slide: dk.Slide
    slide_notices: tuple[str, ...]  # what of the slide's view the data cannot show


def slide_view(slide: dk.Slide, options: Options) -> tuple[Resolved, list[str]]:
    """A slide's view, resolved once, and a notice for each part of its query the data cannot show."""
    view, notices = ViewState.from_query(slide.query, options, slide.page)
    return resolve(view, options), notices


def build(ds, r: Resolved, options: Options) -> PageBuild[PresentPage]:
    deck = dk.load(r.deck)  # an unknown deck or a slide beyond its end: resolved to the default, with a notice
    slide = deck.slides[r.slide - 1]
    shown, bad = slide_view(slide, options)
    return PageBuild(
        (main_figure(ds, shown, options),),
        PresentPage(deck=deck, n=r.slide, slide=slide, slide_notices=tuple(bad)),
    )
