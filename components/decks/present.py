"""Present: one slide of a deck. A slide IS its page's main Figure for the slide's query (same builder,
same title, period, unit, numbers and sources); the deck adds the slide's heading and speaker note."""

from __future__ import annotations

from dataclasses import dataclass, replace

from components.builders import main_figure
from components.core.figure import PageBuild
from components.decks import deck as dk
from components.view.state import resolve


@dataclass(frozen=True, eq=False)
class PresentPage:
    """The slide shown, within its deck (its Figure is the PageBuild's one Figure)."""

    deck: dk.Deck
    n: int  # 1-based number of the slide
    slide: dk.Slide
    slide_notices: tuple[str, ...]  # what of the slide's view the data cannot show


def build(ds, view, options) -> PageBuild[PresentPage]:
    view, v = resolve(view, options)  # an unknown deck or a slide beyond its end: the binding's notice
    deck = dk.load(v["deck"])
    n = v["slide"]
    slide = deck.slides[n - 1]
    slide_view, bad = dk.slide_view(slide, options)
    slide_view = replace(slide_view, lang=view.lang)  # the slide in the presenter's language
    return PageBuild(
        (main_figure(ds, slide_view, options),),
        PresentPage(deck=deck, n=n, slide=slide, slide_notices=tuple(bad)),
    )
