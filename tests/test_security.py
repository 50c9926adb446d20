"""Security checks: no raw HTML from data or URL, safe server settings."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HELPER = ROOT / "components" / "ui" / "safe_html.py"


def _sources():
    for folder in ("app_pages", "components"):
        yield from sorted((ROOT / folder).rglob("*.py"))
    yield ROOT / "app.py"


def test_unsafe_html_only_through_the_escaping_helper():
    offenders = []
    for p in _sources():
        if p == HELPER:
            continue
        text = p.read_text()
        for pat in (
            r"unsafe_allow_html",
            r"unsafe_allow_javascript",
            r"\bst\.html\(",
            r"components\.v1",
            r"\bst_html\b",
        ):
            for m in re.finditer(pat, text):
                line = text[: m.start()].count("\n") + 1
                offenders.append(f"{p.relative_to(ROOT)}:{line}: {pat}")
    assert offenders == [], "use components.ui.safe_html instead:\n" + "\n".join(offenders)


def test_helper_uses_unsafe_html_once_and_escapes():
    assert HELPER.read_text().count("unsafe_allow_html=True") == 1


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "'; background:url(javascript:alert(1))",
        "<5",
        "&amp;",
    ],
)
def test_fragment_escapes_every_value(hostile):
    from components.ui.safe_html import fragment

    out = fragment("<span title='{a}'>{b}</span>", a=hostile, b=[hostile, fragment("<i>{x}</i>", x=hostile)])
    assert "<script" not in out and "<img" not in out and "'; " not in out
    assert out.count("<i>") == 1  # nested fragments stay markup, their values stay escaped
    assert out.startswith("<span title='") and out.endswith("</span>")


def test_markdown_helper_escapes_data_labels(monkeypatch):
    """What the map page does with legend labels from data: markup in a label is shown as text."""
    from components.ui import safe_html

    calls = []
    monkeypatch.setattr(safe_html.st, "markdown", lambda body, **kw: calls.append((body, kw)))
    sw = [safe_html.fragment("<span>{label}</span>", label="<b onmouseover=x>1–5</b>")]
    safe_html.markdown("<div>{s}</div>", s=sw)
    assert calls == [("<div><span>&lt;b onmouseover=x&gt;1–5&lt;/b&gt;</span></div>", {"unsafe_allow_html": True})]


def test_streamlit_config_is_safe():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["browser"]["gatherUsageStats"] is False
    assert 1 <= cfg["server"]["maxUploadSize"] <= 50
    assert cfg["client"]["showErrorDetails"] in ("none", False)  # no tracebacks for readers
