"""The one place that may hand raw HTML to Streamlit.

Templates are literals written in code; every value interpolated into them is `html.escape()`d,
so text from the data or the URL can never become markup. A fragment built here (`fragment`) may
be nested into another template without being escaped twice. tests/test_security.py fails if any
other module under app_pages/ or components/ uses `unsafe_allow_html`.
"""

from __future__ import annotations

import html as _html

import streamlit as st


class SafeHtml(str):
    """HTML produced by `fragment` from a code template and escaped values."""


def _esc(v: object) -> str:
    if isinstance(v, SafeHtml):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "".join(_esc(x) for x in v)
    return _html.escape(str(v), quote=True)


def fragment(template: str, **values: object) -> SafeHtml:
    """`template.format(**values)` with every value escaped (lists of fragments are joined)."""
    return SafeHtml(template.format(**{k: _esc(v) for k, v in values.items()}))


def markdown(template: str, **values: object) -> None:
    """Render `fragment(template, **values)` as Markdown with HTML allowed."""
    st.markdown(fragment(template, **values), unsafe_allow_html=True)
