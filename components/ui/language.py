"""The language of the texts: decided once per run by the frame (app.py), before anything is drawn, and written
back to the link through `link_query` alone. A view carries no language (components/view/state.py); the text
layer (components/core/i18n.py) holds the run's language for every text drawn, built or exported.

The order: the link's `lang=` when it names a supported language; else the session's choice (kept across
pages: a page switch clears the URL); else the browser's language (`st.context.locale`) when supported; else
English. A `lang=` that cannot be used is removed from the link with a notice.
"""

from __future__ import annotations

import streamlit as st

from components.core import i18n
from components.core.i18n import _
from components.core.style import md_escape
from components.view import params
from components.view.fields import safe_echo
from components.view.params import LANG_PARAM

SESSION_KEY = "_lang"  # the session's choice
_PICKER_KEY = "lang_picker"


def decide() -> str:
    """The run's language (see the module's docstring); the text layer is set to it."""
    raw = st.query_params.get(LANG_PARAM)
    lang = i18n.from_link(raw)
    if raw is not None and lang is None:
        del st.query_params[LANG_PARAM]  # the binding then writes the language shown
    chosen = lang or st.session_state.get(SESSION_KEY) or i18n.from_locale(_browser_locale())
    st.session_state[SESSION_KEY] = chosen
    i18n.use(chosen)
    # a fragment's rerun runs the page's code alone, in a thread that has not been told: it asks the session
    i18n.set_resolver(_session_language)
    if raw is not None and lang is None:
        st.info(
            _("This link had parts that could not be used, so defaults were used instead:")
            + "\n\n- "
            + md_escape(
                _("Ignored language '{value}' (not one of en, et, lv, lt, ru); showing {language}.").format(
                    value=safe_echo(raw), language=i18n.ENDONYMS[chosen]
                )
            ),
            icon=":material/translate:",
        )
    return chosen


def link_query(query: dict[str, str], lang: str | None = None) -> dict[str, str]:
    """A view's query as a link of this app writes it: with `lang=` unless the language is the default
    (a link opens in the language it was copied in)."""
    return params.link_query(query, lang or i18n.lang())


def _session_language() -> str | None:
    """The session's language, for a script thread that has not set one (a fragment rerun)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:  # not a session's script (the data API, a test)
        return None
    return st.session_state.get(SESSION_KEY)


def _browser_locale():
    try:
        return st.context.locale
    except Exception:  # no browser (a bare script run)
        return None


def _picked() -> None:
    lang = st.session_state.get(_PICKER_KEY)
    if lang in i18n.LANGS:
        st.session_state[SESSION_KEY] = lang
        if lang == i18n.DEFAULT:
            st.query_params.pop(LANG_PARAM, None)
        else:
            st.query_params[LANG_PARAM] = lang


def picker(container=st) -> None:
    """The language picker of the frame: labelled with every language's own name, so a person who reads
    none of the current language finds it."""
    st.session_state[_PICKER_KEY] = i18n.lang()
    container.selectbox(
        i18n.PICKER_LABEL,
        list(i18n.LANGS),
        key=_PICKER_KEY,
        format_func=i18n.ENDONYMS.get,
        on_change=_picked,
        help=_("The language of the page. It is part of the link."),
    )
