"""Widgets bound to the view state, and the URL <-> view sync (the only Streamlit-aware glue).

Flow on every rerun of a page:
1. `start(page, options)` reads the URL. If it changed since we last wrote it (a fresh session or
   a pasted link), it is decoded with `ViewState.from_query` and pushed into the widgets' session
   state; invalid parts become notices. With an empty URL (a page switch clears it), the page's
   last view in this session is restored.
2. The page draws its widgets through the helpers below (each keeps its value valid for the
   current options, so a dependent selector never holds a stale value).
3. `finish(view)` writes `view.to_query()` back to the URL, so a copied link reopens this view.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

import streamlit as st

from components.view_state import PAGE_FIELDS, Options, ViewState  # noqa: F401

_STORE = "_views"
NONE = ""  # option value of "all"/"off" in select boxes (None would read as "no selection")


def wkey(page: str, f: str) -> str:
    return f"{page}__{f}"


def _params() -> dict[str, str]:
    out: dict[str, str] = {}
    for k in st.query_params.keys():
        vals = st.query_params.get_all(k)
        out[k] = ",".join(vals) if len(vals) > 1 else (vals[0] if vals else "")
    return out


def _push(view: ViewState, options: Options, only_missing: bool = False) -> None:
    """Write a view into the page's widget keys."""
    p = view.page
    for f in PAGE_FIELDS[p]:
        if only_missing and wkey(p, f) in st.session_state:
            continue
        v = getattr(view, f)
        if f == "period":
            v = view.resolved_period(options)
        elif f == "breakdown":
            v = view.resolved_breakdown(options)
        elif f == "countries":
            v = list(v)
        elif v is None:
            v = NONE
        st.session_state[wkey(p, f)] = v


def start(page: str, options: Options) -> ViewState:
    """Decide the view at the top of a page run and show notices for a bad link."""
    store = st.session_state.setdefault(_STORE, {})
    params = _params()
    last = st.session_state.get(f"_qs_{page}")
    if last is not None and params == last and page in store:
        # URL is ours: widgets hold the truth. Widgets not drawn on the last run lost their state
        # (Streamlit drops it); refill just those from the stored view.
        _push(store[page], options, only_missing=True)
        return store[page]
    if not params and page in store:
        view, notices = store[page], []
    else:
        view, notices = ViewState.from_query(params, options, page)
    _push(view, options)
    if notices:
        st.info("This link had parts that could not be used, so defaults were used instead:\n\n"
                + "\n".join(f"- {n}" for n in notices), icon=":material/link_off:")
    return view


def finish(view: ViewState) -> None:
    q = view.to_query()
    if _params() != q:
        st.query_params.from_dict(q)
    st.session_state[f"_qs_{view.page}"] = q
    st.session_state.setdefault(_STORE, {})[view.page] = view


def reset(page: str) -> None:
    st.session_state.setdefault(_STORE, {}).pop(page, None)
    st.session_state.pop(f"_qs_{page}", None)
    for f in PAGE_FIELDS.get(page, ()):
        st.session_state.pop(wkey(page, f), None)
    st.query_params.clear()


# ---------------------------------------------------------------------------- widget helpers

def _ensure(key: str, options: Sequence, default) -> None:
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else (options[0] if options else None)


def select(label: str, options: Sequence, key: str, *, default=None, fmt: Callable = str,
           help: str | None = None, container=st):
    _ensure(key, list(options), default)
    return container.selectbox(label, list(options), key=key, format_func=fmt, help=help)


def segmented(label: str, options: Sequence, key: str, *, default=None, fmt: Callable = str,
              help: str | None = None, container=st):
    _ensure(key, list(options), default)
    val = container.segmented_control(label, list(options), key=key, format_func=fmt, help=help,
                                      required=True)
    return val if val is not None else st.session_state.get(key)


def multiselect(label: str, options: Sequence, key: str, *, default: Sequence = (), fmt: Callable = str,
                help: str | None = None, container=st):
    cur = st.session_state.get(key)
    if cur is None or not isinstance(cur, list) or any(c not in options for c in cur):
        st.session_state[key] = [c for c in (cur or default) if c in options] if isinstance(cur, list) \
            else [c for c in default if c in options]
    return container.multiselect(label, list(options), key=key, format_func=fmt, help=help)


def toggle(label: str, key: str, *, default: bool = False, help: str | None = None, container=st):
    if not isinstance(st.session_state.get(key), bool):
        st.session_state[key] = default
    return container.toggle(label, key=key, help=help)


def view_replace(view: ViewState, **kw) -> ViewState:
    return replace(view, **kw)


def text(label: str, key: str, *, default: str = "", help: str | None = None, placeholder: str | None = None,
         container=st):
    if not isinstance(st.session_state.get(key), str):
        st.session_state[key] = default
    return container.text_input(label, key=key, help=help, placeholder=placeholder)
