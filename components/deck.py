"""Presenter decks (pure): a deck is data (data/decks/<id>.json), a list of views with a title and a
one-line speaker note. Each slide's view is an ordinary page query, decoded by the ViewState codec,
so a slide shows exactly what its page shows for that link. `slide_figure` builds the one chart of a
slide with the same builders the pages use: a slide is its page's main Figure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from components.registry import SLIDE_PAGES
from components.view_state import DECK_RE, DEFAULT_DECK, Options, ViewState  # noqa: F401 (DEFAULT_DECK)

DECK_DIR = Path(__file__).resolve().parent.parent / "data" / "decks"


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
    from components.view_state import resolution_notices

    view, notices = ViewState.from_query(slide.query, options, slide.page)
    return view, notices + resolution_notices(view, options)


def slide_figure(ds, options: Options, view: ViewState):
    """The Figure a slide shows: its page's main Figure for the slide's view (components/builders)."""
    from components.builders import main_figure

    return main_figure(ds, view, options)
