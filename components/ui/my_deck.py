"""Your own deck (Streamlit): "Add this view to my deck" on the chart pages, the deck in the Present page's
link, and the panel that edits it.

- A slide is what a shipped deck's slide is (components/view/deck.py): a page and its view's query (no language),
  a title, a speaker note. Adding the current view appends one without a title of its own: it shows its chart's
  title in the language of each showing until its author types one. The deck is kept in the session (across
  pages) and shown on /present?mydeck=1.<…> (deck.encode: compact JSON, zlib, base64url), a link to bookmark
  or share.
- Reading a deck link or file never loses a good deck: slides that break a rule are left out with a warning
  naming them; a link or file that cannot be read at all changes nothing.
- The panel (Present page): reorder, retitle, remove, edit each speaker note, download/upload the deck as
  JSON in the format of data/decks/. Every change writes the deck into the link.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import streamlit as st

from components.core import i18n
from components.core.pages import page as page_spec
from components.core.style import md_escape
from components.decks.present import slide_view
from components.ui import controls, own as own_figures, page_data, safe_html
from components.view import deck as dk
from components.view.state import Resolved, ViewState

PRESENT = "present"
PARAM = "mydeck"
OWN = "*mine"  # the deck picker's value for your own deck (not a deck file name)
_KEY = "_my_deck"  # the session's own deck (deck.Deck), kept across pages
_FLASH = "_my_deck_flash"  # notices of a change made in a callback, shown once in the panel
_UPLOADS = "_my_deck_uploads"  # a new upload box after each file (the box forgets the file)
_ADDED = "_my_deck_added"  # the toast after "Add this view to my deck"
# the panel at ordinary reading size (the Present page sets its text large for the room)
PANEL_CSS = """.st-key-mydeck_panel [data-testid="stMarkdownContainer"] p { font-size: 1rem !important; }
.st-key-mydeck_panel [data-testid="stWidgetLabel"] p { font-size: 0.95rem !important; }"""


def own() -> dk.Deck | None:
    return st.session_state.get(_KEY)


def _keep(deck: dk.Deck | None) -> None:
    """The session's own deck; the Present page, when it was showing it, returns to this one."""
    if deck is None:
        st.session_state.pop(_KEY, None)
    else:
        st.session_state[_KEY] = deck
    shown = controls.stored(PRESENT)
    if shown is not None and shown.mydeck:
        controls.remember(
            replace(shown, deck=None, mydeck=dk.encode(deck), slide=min(shown.slide, len(deck.slides)))
            if deck
            else ViewState(page=PRESENT)
        )


def _flash(kind: str, text: str) -> None:
    st.session_state.setdefault(_FLASH, []).append((kind, text))


def _checked(deck: dk.Deck) -> tuple[dk.Deck, str] | None:
    """The deck by the rules of a deck file, and its link value; None (with a notice) when it breaks one."""
    try:
        new, problems = dk.parse(dk.to_dict(deck))
        if problems:
            raise dk.DeckError(" ".join(problems))
        return new, dk.encode(new)
    except dk.DeckError as exc:
        _flash("warning", i18n._("Your deck was not changed: {why}").format(why=str(exc)))
        return None


# ------------------------------------------------------------------------------ on the chart pages


def _slide_query(view: ViewState) -> dict[str, str]:
    return view.to_query()  # a view has no language: a deck is shown in the reader's


def _add(page: str, query: dict) -> None:
    deck = own()
    # no title and the default deck title: shown in the language of each showing, never frozen in this one
    new = dk.Deck(
        dk.OWN_ID, deck.title if deck else "", (deck.slides if deck else ()) + (dk.Slide(page, dict(query), "", ""),)
    )
    got = _checked(new)
    if got is None:  # shown by the button's fragment (a callback of a fragment draws nothing itself)
        st.session_state[_ADDED] = (":material/warning:", st.session_state.pop(_FLASH)[-1][1])
        return
    _keep(got[0])
    st.session_state[_ADDED] = (
        ":material/playlist_add_check:",
        i18n._("Added to your deck as slide {n}.").format(n=len(new.slides)),
    )


@st.fragment
def add_button(view: ViewState) -> None:
    """'Add this view to my deck' and a link to the deck (a fragment: a click does not redraw the page)."""
    if said := st.session_state.pop(_ADDED, None):
        st.toast(said[1], icon=said[0])
    deck = own()
    query = _slide_query(view)
    n = len(deck.slides) if deck else 0
    at = (
        next((i for i, s in enumerate(deck.slides, 1) if s.page == view.page and s.query == query), None)
        if deck
        else None
    )
    row = st.container(horizontal=True, vertical_alignment="center", key=f"mydeck_row_{view.page}")
    row.button(
        i18n._("Add this view to my deck"),
        icon=":material/playlist_add:",
        key=f"mydeck_add_{view.page}",
        on_click=_add,
        args=(view.page, query),
        disabled=n >= dk.MAX_OWN_SLIDES,
        help=i18n._(
            "Adds this chart, exactly as set now, as a slide of your own deck. Present, edit, "
            "share and download it on the Present page."
        ),
    )
    if deck:
        row.page_link(
            "app_pages/present.py",
            icon=":material/slideshow:",
            label=i18n.ngettext("Open my deck ({n} slide)", "Open my deck ({n} slides)", n).format(n=n),
            query_params={PARAM: dk.encode(deck), "slide": str(at or n)},
        )
        if at:
            row.caption(i18n._("This view is slide {n} of your deck.").format(n=at))


# ------------------------------------------------------------------------------ on the Present page


def from_link() -> None:
    """Before the binding: a deck in the link is checked. Its usable slides become this session's own deck
    (the link is rewritten without the others, which a warning names); a link that cannot be read at all
    changes nothing (the session's own deck, if any, is shown)."""
    raw = st.query_params.get(PARAM)
    if raw is None:
        return
    deck, problems = dk.decode(raw)
    mine = own()
    try:
        canon = dk.encode(deck) if deck is not None else None
    except dk.DeckError as exc:  # written more compactly than this app writes it: too long once rewritten
        deck, canon, problems = None, None, [str(exc)]
    if deck is not None:
        st.session_state[_KEY] = deck
        if canon != raw:
            st.query_params[PARAM] = canon
        head = i18n.ngettext(
            "Some slides of this deck link could not be used and were left out; {n} slide is kept.",
            "Some slides of this deck link could not be used and were left out; {n} slides are kept.",
            len(deck.slides),
        ).format(n=len(deck.slides))
    else:
        if mine is not None:
            st.query_params[PARAM] = dk.encode(mine)
        else:
            del st.query_params[PARAM]
            st.query_params.pop("slide", None)
        head = (
            i18n._("This deck link could not be read, so nothing was changed.")
            + " "
            + (
                i18n._("Your own deck of this session is shown.")
                if mine
                else i18n._("The first shipped deck is shown.")
            )
        )
    if problems:
        st.warning(
            f"**{md_escape(head)}**\n\n" + "\n".join(f"- {md_escape(p)}" for p in problems[:10]),
            icon=":material/link_off:",
        )


def current(ds, view: Resolved, options):
    """(Figure, deck, slide number, slide, notices) of the slide shown: your own deck's slide is its page's
    Figure for the slide's view (the page's cached Figure); a shipped deck's comes from the Present builder."""
    deck = dk.decode(view.mydeck)[0] if view.mydeck else None
    if deck is not None:
        n = view.slide
        slide = deck.slides[n - 1]
        shown, notices = slide_view(slide, options)
        fig = _with_own_figures(page_data.page_build(ds, shown, options).main, ds, slide, shown, options)
        return fig, deck, n, slide, tuple(notices)
    built = page_data.page_build(ds, view, options)
    shown = built.page  # components/decks/present.py PresentPage
    fig = _with_own_figures(built.main, ds, shown.slide, None, options)
    return fig, shown.deck, shown.n, shown.slide, shown.slide_notices


def _with_own_figures(fig, ds, slide, shown: Resolved | None, options):
    """An organisation's uploaded figures beside the official ones, as on the slide's page; the slide's view
    is resolved only when there are such figures (a rerun of Present without them does no extra work)."""
    if own_figures.rows() is None:
        return fig
    shown = shown or slide_view(slide, options)[0]
    return own_figures.beside_figure(fig, ds, slide.page, shown)


def _show(picked: str) -> None:
    mine = own()
    if picked == OWN and mine is not None:
        controls.go(ViewState(page=PRESENT, mydeck=dk.encode(mine)))
    else:
        controls.go(ViewState(page=PRESENT, deck=None if picked in (OWN, dk.DEFAULT_DECK) else picked))


def picker(view: ViewState, shown: dk.Deck) -> None:
    """The deck to show: the shipped decks and, once there is one, your own."""
    mine = own()
    choices = dk.available() + ([OWN] if mine else [])
    if len(choices) < 2:
        return

    lang = i18n.lang()  # Streamlit may call format_func outside this run (reading the widget's state)

    def name(d: str) -> str:
        with i18n.using(lang):
            if d != OWN:
                return dk.deck_title(dk.load(d))
            return i18n._("My deck: {title}").format(title=dk.deck_title(mine)) if mine.title else dk.deck_title(mine)

    controls.choose(
        i18n._("Deck"), choices, OWN if view.mydeck else shown.id, key="present_deck", format_func=name, on_pick=_show
    )


def _apply(view: ViewState, deck: dk.Deck, slide: int) -> None:
    got = _checked(deck)
    if got is not None:
        _keep(got[0])
        controls.go(replace(view, deck=None, mydeck=got[1], slide=max(1, min(slide, len(got[0].slides)))))


def _edit(view: ViewState, deck: dk.Deck, i: int, what: str, key: str) -> None:
    text = (
        " ".join(str(st.session_state.get(key) or "").split())
        if what != "note"
        else str(st.session_state.get(key) or "").strip()
    )
    if what == "deck":  # emptied, or the default as shown: the default, in each showing's language
        _apply(view, replace(deck, title="" if text == dk.deck_title(replace(deck, title="")) else text), view.slide)
        return
    slides = list(deck.slides)
    old = getattr(slides[i], what)
    if old and text == dk.shown(old):  # a shipped deck's text as shown in this language: unchanged
        return
    slides[i] = replace(slides[i], **{what: text})
    _apply(view, replace(deck, slides=tuple(slides)), i + 1)


def _move(view: ViewState, deck: dk.Deck, i: int, step: int) -> None:
    slides = list(deck.slides)
    slides[i], slides[i + step] = slides[i + step], slides[i]
    _apply(view, replace(deck, slides=tuple(slides)), i + 1 + step)


def _remove(view: ViewState, deck: dk.Deck, i: int) -> None:
    slides = deck.slides[:i] + deck.slides[i + 1 :]
    if not slides:
        _keep(None)
        _flash("info", i18n._("Your deck is empty now: add views to it from the chart pages."))
        controls.go(ViewState(page=PRESENT))
        return
    _apply(view, replace(deck, slides=slides), min(view.slide, len(slides)))


def _upload(key: str) -> None:
    file = st.session_state.get(key)
    st.session_state[_UPLOADS] = st.session_state.get(_UPLOADS, 0) + 1  # an empty box for the next file
    if file is None:
        return
    deck, problems = dk.from_bytes(file.getvalue())
    if deck is None:
        _flash(
            "warning",
            i18n._("“{name}” was not opened, and your deck was not changed:").format(name=str(file.name)[:60])
            + " "
            + " ".join(problems),
        )
        return
    if problems:
        _flash(
            "warning",
            i18n._("Some slides of “{name}” could not be used and were left out:").format(name=str(file.name)[:60])
            + "\n"
            + "\n".join(f"- {p}" for p in problems[:10]),
        )
    got = _checked(deck)
    if got is not None:
        _keep(got[0])
        st.toast(
            i18n.ngettext("Deck opened: {n} slide.", "Deck opened: {n} slides.", len(deck.slides)).format(
                n=len(deck.slides)
            ),
            icon=":material/upload_file:",
        )
        controls.go(ViewState(page=PRESENT, mydeck=got[1]))


def _append(shown: dk.Deck) -> None:
    mine = own()
    slides = ((mine.slides if mine else ()) + shown.slides)[: dk.MAX_OWN_SLIDES]
    got = _checked(dk.Deck(dk.OWN_ID, mine.title if mine else shown.title, slides))
    if got is not None:
        _keep(got[0])
        controls.go(ViewState(page=PRESENT, mydeck=got[1], slide=len(mine.slides) + 1 if mine else 1))


def panel(view: ViewState, shown: dk.Deck) -> None:
    """'My deck': the editor when your own deck is shown; opening a deck file; downloading it as JSON."""
    mine = own()
    editing = bool(view.mydeck) and mine is not None
    safe_html.style(PANEL_CSS)
    with st.expander(i18n._("My deck"), icon=":material/edit_note:", key="mydeck_panel"):
        for kind, text in st.session_state.pop(_FLASH, []):
            (st.warning if kind == "warning" else st.info)(md_escape(text).replace("\n\\- ", "\n- "))
        if editing:
            _editor(view, mine)
        else:
            st.caption(
                i18n._(
                    "Your own deck: add views to it with “Add this view to my deck” on the Overview, "
                    "Compare, Trends and Map pages, start from the slides of this deck, or open a deck "
                    "file."
                )
            )
            row = st.container(horizontal=True)
            if mine is not None:
                row.button(
                    i18n.ngettext("Show my deck ({n} slide)", "Show my deck ({n} slides)", len(mine.slides)).format(
                        n=len(mine.slides)
                    ),
                    icon=":material/slideshow:",
                    key="mydeck_show",
                    on_click=_show,
                    args=(OWN,),
                )
            row.button(
                i18n._("Add this deck's slides to my deck"),
                icon=":material/library_add:",
                key="mydeck_copy",
                on_click=_append,
                args=(shown,),
            )
        key = f"mydeck_upload_{st.session_state.get(_UPLOADS, 0)}"
        st.file_uploader(
            i18n._("Open a deck file (JSON)"),
            type=["json"],
            key=key,
            on_change=_upload,
            args=(key,),
            max_upload_size=1,
            help=i18n._(
                "A deck saved with “Download my deck”, or written like the "
                "files in data/decks/. It replaces your deck when it can be "
                "read; otherwise nothing changes."
            ),
        )
        if mine is not None:
            st.download_button(
                i18n._("Download my deck (JSON)"),
                data=dk.to_json(mine),
                file_name="my-deck.json",
                mime="application/json",
                on_click="ignore",
                icon=":material/download:",
                key="mydeck_json",
                help=i18n._(
                    "The deck as a file in the format of data/decks/: open "
                    "it here later, or make slides with `make deck`."
                ),
            )


def _editor(view: ViewState, deck: dk.Deck) -> None:
    tag = hashlib.sha1(view.mydeck.encode("utf-8")).hexdigest()[:8]  # the inputs start afresh after each change
    key = f"mydeck_title_{tag}"
    st.text_input(
        i18n._("Deck title"),
        value=dk.deck_title(deck),
        max_chars=dk.MAX_TITLE,
        key=key,
        on_change=_edit,
        args=(view, deck, -1, "deck", key),
    )
    n = len(deck.slides)
    for i, s in enumerate(deck.slides):
        with st.container(border=True, key=f"mydeck_slide_{i}"):
            st.markdown(
                f"**{i + 1}** · {md_escape(i18n._(page_spec(s.page).title))}"
                + (" · *" + md_escape(i18n._("on screen")) + "*" if i + 1 == view.slide else "")
            )
            row = st.container(horizontal=True, vertical_alignment="center")
            if i + 1 != view.slide:
                row.button(
                    i18n._("Show"),
                    icon=":material/visibility:",
                    key=f"mydeck_show_{i}",
                    on_click=controls.go,
                    args=(replace(view, slide=i + 1),),
                    help=i18n._("Show this slide above"),
                )
            row.button(
                i18n._("Up"),
                icon=":material/arrow_upward:",
                key=f"mydeck_up_{i}",
                disabled=i == 0,
                on_click=_move,
                args=(view, deck, i, -1),
                help=i18n._("Move this slide one place earlier"),
            )
            row.button(
                i18n._("Down"),
                icon=":material/arrow_downward:",
                key=f"mydeck_down_{i}",
                disabled=i == n - 1,
                on_click=_move,
                args=(view, deck, i, 1),
                help=i18n._("Move this slide one place later"),
            )
            row.button(
                i18n._("Remove"),
                icon=":material/delete:",
                key=f"mydeck_remove_{i}",
                on_click=_remove,
                args=(view, deck, i),
                help=i18n._("Take this slide out of your deck"),
            )
            tkey, nkey = f"mydeck_t{i}_{tag}", f"mydeck_n{i}_{tag}"
            st.text_input(
                i18n._("Title of slide {n}").format(n=i + 1),
                value=dk.shown(s.title),
                max_chars=dk.MAX_TITLE,
                key=tkey,
                on_change=_edit,
                args=(view, deck, i, "title", tkey),
                placeholder=i18n._("The chart's own title, in the language the deck is shown in"),
            )
            st.text_area(
                i18n._("Speaker note of slide {n}").format(n=i + 1),
                value=dk.slide_note(s),
                max_chars=dk.MAX_NOTE,
                key=nkey,
                on_change=_edit,
                args=(view, deck, i, "note", nkey),
                height=90,
                placeholder=i18n._(
                    "What to say with this slide (in the PowerPoint's notes pane and under the chart in the PDF)"
                ),
            )
