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


def style(css: str) -> None:
    """A constant stylesheet (code, never data or URL text). Style-only HTML goes to Streamlit's
    event container, so it takes no room on the page."""
    if "<" in css:
        raise ValueError("a stylesheet holds CSS only")
    st.html("<style>" + css + "</style>")


def script(js: str, **values: object) -> None:
    """Run a constant script (code, never data or URL text) in the page, once per distinct content.
    `values` reach it as JSON (a global `__VALUES__` inside the script) with `<` escaped, so
    no value can close the script tag or become code. The element itself is hidden."""
    import json

    if "</" in js:
        raise ValueError("a script template may not hold '</'")
    data = json.dumps(values, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    st.html(
        "<div class='thb-script' hidden></div><script>(function(__VALUES__){" + js + "})(" + data + ");</script>",
        unsafe_allow_javascript=True,
        width="content",
    )
