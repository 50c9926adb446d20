"""Presenter decks (pure): a deck is data (data/decks/<id>.json), a list of views with a title and a
one-line speaker note. Each slide's view is an ordinary page query, decoded by the ViewState codec,
so a slide shows exactly what its page shows for that link (components/decks/present.py draws it: a slide
is its page's main Figure).

Your own deck (issue 16) is the same data with the same rules (`parse`), kept in the Present page's link
as `mydeck=1.<base64url(zlib(compact JSON))>` (`encode`/`decode`) and downloaded/uploaded as the JSON of
data/decks/ (`to_json`/`from_bytes`). Reading a link or a file never raises: slides that break a rule are
left out with a plain notice naming them, the others kept.

A deck has no language; a showing has one (issue 26). A slide is a view without `lang`; its title is the
text a person typed, or empty: then the slide shows its chart's own title, in the language it is shown in.
A deck's title is typed text, or empty for the default ("My deck", translated). The shipped decks' titles
and notes are English source texts in the message catalogues (extracted from data/decks/ by
`extract_messages`), so `deck_title`, `slide_title` and `slide_note` show them in the showing's language,
also once copied into your own deck. Old links and files that carry a `lang` still open: it is ignored."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from components.core import i18n
from components.core.pages import SLIDE_PAGES
from components.view.params import DECK_RE, DEFAULT_DECK, LANG_PARAM, MAX_DECK_LINK, PAGE_FIELDS, PARAM  # noqa: F401 (DEFAULT_DECK: the decks' own name for it)
from etl.paths import REPO_ROOT

DECK_DIR = REPO_ROOT / "data" / "decks"

OWN_ID = "my-deck"  # your own deck's id (its file names: my-deck.json, my-deck.pptx)
LINK_VERSION = "1"  # the format of a deck link; another number is refused with a notice
MAX_LINK = MAX_DECK_LINK  # characters of a deck link (nginx reads request lines of at most 8 KB)
MAX_BYTES = 64_000  # a deck file, or a deck link once unpacked
MAX_OWN_SLIDES = 30
MAX_FILE_SLIDES = 99
MAX_TITLE = 120  # characters of a slide's or a deck's title
MAX_NOTE = 600  # characters of a speaker note
MAX_VALUE = 200  # characters of one value of a slide's view
DEFAULT_TITLE = i18n.N_("My deck")  # an own deck's title until its author types one (stored as "")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Slide:
    page: str
    query: dict  # the view, without `lang`
    title: str  # typed (or a shipped deck's source text); "" = the chart's own title
    note: str


@dataclass(frozen=True)
class Deck:
    id: str
    title: str  # typed (or a shipped deck's source text); "" = DEFAULT_TITLE
    slides: tuple[Slide, ...]


# ------------------------------------------------------------------------- in the showing's language


def shown(text: str) -> str:
    """Typed text as it is; a shipped deck's English source text in the run's language (catalogue)."""
    return i18n._(text) if text else ""


def deck_title(deck: Deck) -> str:
    return shown(deck.title) or i18n._(DEFAULT_TITLE)


def slide_title(slide: Slide, chart_title: str) -> str:
    """The slide's heading: its own title, else its chart's title (in the language of the showing)."""
    return shown(slide.title) or chart_title


def slide_note(slide: Slide) -> str:
    return shown(slide.note)


@lru_cache(maxsize=1)
def _default_titles() -> frozenset[str]:
    """DEFAULT_TITLE in every language: a deck saved with one of them has the default title (shown translated)."""
    return frozenset(i18n.translator(lang).gettext(DEFAULT_TITLE) for lang in i18n.LANGS)


def extract_messages(
    fileobj: Any, _keywords: Any, _comment_tags: Any, options: Any
) -> Iterator[tuple]:  # babel calls it with these four
    """Babel extractor (babel.cfg): a shipped deck's title, slide titles and notes as catalogue entries,
    normalised as `parse` reads them."""
    raw = json.loads(fileobj.read().decode("utf-8"))
    texts = [_text(raw.get("title"), MAX_TITLE)]
    for s in raw.get("slides") or []:
        texts += [_text(s.get("title"), MAX_TITLE), _text(s.get("note", ""), MAX_NOTE, lines=True)]
    for text in texts:
        if text:
            yield 0, "_", text, []


class DeckError(Exception):
    pass


def available(directory: Path = DECK_DIR) -> list[str]:
    return sorted(p.stem for p in Path(directory).glob("*.json") if DECK_RE.fullmatch(p.stem))


def load(deck_id: str, directory: Path = DECK_DIR) -> Deck:
    """A shipped deck file, strict: any slide that breaks a rule of `parse` is an error."""
    if not DECK_RE.fullmatch(str(deck_id)):
        raise DeckError("not a deck name")
    path = Path(directory) / f"{deck_id}.json"
    if not path.is_file():
        raise DeckError("no such deck")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise DeckError(f"deck file unreadable ({type(exc).__name__})") from exc
    deck, problems = parse(raw, deck_id, max_slides=MAX_FILE_SLIDES)
    if problems:
        raise DeckError("; ".join(problems))
    return deck


# ------------------------------------------------------------------------------------------ rules


def _text(value: object, limit: int, *, lines: bool = False) -> str | None:
    """Plain text within `limit` characters (control characters dropped, a title on one line); None if not."""
    if not isinstance(value, str):
        return None
    text = _CONTROL.sub("", value.replace("\r\n", "\n"))
    text = text.strip() if lines else " ".join(text.split())
    return text if len(text) <= limit else None


def _echo(text: object, n: int = 40) -> str:
    t = " ".join(str(text).split())
    return t[:n] + ("…" if len(t) > n else "")


def _slide(raw: object, i: int) -> Slide | str:
    """One slide by the rules, or a plain sentence saying why it is left out."""
    if not isinstance(raw, dict):
        return i18n._("Slide {n} was left out: it is not a slide (a page, its view, a title and a note).").format(n=i)
    name = (
        i18n._("Slide {n} (“{title}”)").format(n=i, title=_echo(raw["title"]))
        if isinstance(raw.get("title"), str) and raw["title"].strip()
        else i18n._("Slide {n}").format(n=i)
    )
    page = raw.get("page")
    if page not in SLIDE_PAGES:
        return i18n._("{slide} was left out: “{page}” is not a chart page (one of {pages}).").format(
            slide=name, page=_echo(page, 20), pages=", ".join(SLIDE_PAGES)
        )
    title = _text(raw.get("title") or "", MAX_TITLE)
    if title is None:
        return i18n._("{slide} was left out: its title must be text of at most {n} characters.").format(
            slide=name, n=MAX_TITLE
        )
    note = _text(raw.get("note", ""), MAX_NOTE, lines=True)
    if note is None:
        return i18n._("{slide} was left out: its speaker note must be text of at most {n} characters.").format(
            slide=name, n=MAX_NOTE
        )
    query = raw.get("query") or {}
    if not isinstance(query, dict):
        return i18n._("{slide} was left out: its view is not a list of settings.").format(slide=name)
    known = {PARAM[f] for f in PAGE_FIELDS[page]}
    clean: dict[str, str] = {}
    for k, v in query.items():
        if k == LANG_PARAM:  # a deck made before decks had no language: shown in the showing's language
            continue
        if k not in known:
            return i18n._(
                "{slide} was left out: its view has a setting the {page} page does not know (“{key}”)."
            ).format(slide=name, page=page, key=_echo(k, 20))
        if isinstance(v, bool) or not isinstance(v, (str, int)) or len(str(v)) > MAX_VALUE:
            return i18n._("{slide} was left out: its view has an unreadable value for “{key}”.").format(
                slide=name, key=k
            )
        clean[k] = str(v)
    return Slide(page=page, query=clean, title=title, note=note)


def parse(raw: object, deck_id: str = OWN_ID, *, max_slides: int = MAX_OWN_SLIDES) -> tuple[Deck, list[str]]:
    """A deck from its JSON data (data/decks/ format): the slides that keep the rules, and a plain sentence
    for each one left out. Raises DeckError (a plain sentence) when it is not a deck or no slide is usable."""
    if not isinstance(raw, dict) or not isinstance(raw.get("slides"), list):
        raise DeckError(i18n._("It is not a deck: a deck is a JSON object with a title and a list of slides."))
    slides: list[Slide] = []
    problems: list[str] = []
    for i, s in enumerate(raw["slides"], 1):
        got = _slide(s, i)
        if isinstance(got, Slide):
            slides.append(got)
        else:
            problems.append(got)
    if len(slides) > max_slides:
        problems.append(i18n._("Only the first {n} slides were kept (a deck has at most {n}).").format(n=max_slides))
        slides = slides[:max_slides]
    if not slides:
        raise DeckError(" ".join([i18n._("None of its slides could be used.")] + problems[:3]))
    title = _text(raw.get("title"), MAX_TITLE) or ""
    if title in _default_titles():  # "Minu slaidikomplekt": the default title, shown in the showing's language
        title = ""
    return Deck(id=deck_id, title=title, slides=tuple(slides)), problems


# ------------------------------------------------------------------------------- link and file


def to_dict(deck: Deck) -> dict:
    return {
        "id": deck.id,
        "title": deck.title,
        "slides": [{"page": s.page, "query": dict(s.query), "title": s.title, "note": s.note} for s in deck.slides],
    }


def to_json(deck: Deck) -> str:
    """The deck as a file in the format of data/decks/ (loadable by `make deck DECK=file.json`)."""
    return json.dumps(to_dict(deck), ensure_ascii=False, indent=2) + "\n"


def encode(deck: Deck) -> str:
    """The deck as a link value: version, '.', base64url of the zlib-compressed compact JSON (slides as
    [page, query, title, note]). Raises DeckError when it would be longer than a link can carry."""
    data = {"t": deck.title, "s": [[s.page, s.query, s.title, s.note] for s in deck.slides]}
    packed = zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9)
    text = LINK_VERSION + "." + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")
    if len(text) > MAX_LINK:
        raise DeckError(
            i18n._(
                "The deck is too long for a link ({n} characters, at most {max}): shorten the notes or remove a slide."
            ).format(n=len(text), max=MAX_LINK)
        )
    return text


def decode(text: object) -> tuple[Deck | None, list[str]]:
    """A deck link's value -> (the deck of its usable slides, or None; plain notices). Never raises."""
    deck, problems = _decode(text if isinstance(text, str) else "", i18n.lang())
    return deck, list(problems)


@lru_cache(maxsize=256)
def _decode(text: str, lang: str) -> tuple[Deck | None, tuple[str, ...]]:  # lang: the notices' language
    damaged = i18n._("This deck link is damaged or cut short (perhaps only part of it was copied).")
    if len(text) > MAX_LINK:
        return None, (
            i18n._("This deck link is too long to be a deck (more than {max} characters).").format(max=MAX_LINK),
        )
    m = re.fullmatch(r"(\d{1,3})\.([A-Za-z0-9_-]+)", text.strip())
    if not m:
        return None, (damaged,)
    if m.group(1) != LINK_VERSION:
        return None, (
            i18n._(
                "This deck link was made for another version of the dashboard (format {v}; this one "
                "reads format {ours})."
            ).format(v=m.group(1), ours=LINK_VERSION),
        )
    try:
        packed = base64.urlsafe_b64decode(m.group(2) + "=" * (-len(m.group(2)) % 4))
        z = zlib.decompressobj()
        data = z.decompress(packed, MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return None, (i18n._("This deck link holds more than a deck can ({n} bytes at most).").format(n=MAX_BYTES),)
        if not z.eof or z.unused_data:
            return None, (damaged,)
        raw = json.loads(data.decode("utf-8"))
    except (ValueError, binascii.Error, zlib.error, UnicodeDecodeError, RecursionError):
        return None, (damaged,)
    if not isinstance(raw, dict) or not isinstance(raw.get("s"), list):
        return None, (damaged,)
    slides = [
        dict(zip(("page", "query", "title", "note"), s)) if isinstance(s, list) and len(s) == 4 else s for s in raw["s"]
    ]
    try:
        deck, problems = parse({"title": raw.get("t"), "slides": slides})
    except DeckError as exc:
        return None, (str(exc),)
    return deck, tuple(problems)


def from_bytes(data: bytes) -> tuple[Deck | None, list[str]]:
    """An uploaded deck file (the JSON of data/decks/) by the same rules. Never raises."""
    if len(data) > MAX_BYTES:
        return None, [i18n._("The file is too large for a deck ({n} KB at most).").format(n=MAX_BYTES // 1000)]
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, [
            i18n._(
                "The file is not a deck: it is not JSON text (a deck is saved with "
                "“Download my deck”, or written like the files in data/decks/)."
            )
        ]
    try:
        deck, problems = parse(raw)
    except DeckError as exc:
        return None, [str(exc)]
    return deck, problems
