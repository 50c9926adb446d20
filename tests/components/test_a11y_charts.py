"""Accessibility of the chart specs (pure): no ARIA per mark, lines named at their ends and told apart
by marker shapes, titles that wrap on a narrow screen while exports keep the plain title, and the
safe-HTML helpers that carry the frame's stylesheet and script."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from components.core import i18n, queries as q, style
from components.draw import charts
from etl.countries import BALTIC


def _trend(ds, **kw):
    t = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons", **kw)
    return t, charts.trend_chart(
        t,
        title="Registered or identified victims, 2001–2025",
        unit_text="persons",
        source_line="Sources: a long list of sources " * 5,
    ).to_dict()


def test_no_aria_per_mark_axis_or_legend(ds):
    _, spec = _trend(ds)
    cfg = spec["config"]
    assert cfg["aria"] is False and cfg["mark"]["aria"] is False
    assert cfg["axis"]["aria"] is False and cfg["legend"]["aria"] is False and cfg["title"]["aria"] is False


def test_trend_lines_are_named_at_their_ends(ds):
    t, spec = _trend(ds)
    texts = [
        layer
        for layer in spec["layer"]
        if layer["mark"]["type"] == "text" and layer["encoding"].get("text", {}).get("field") == "country_label"
    ]
    assert len(texts) == 1
    rows = spec["datasets"][texts[0]["data"]["name"]]
    # one label per country, at the year of its last drawn point
    last = t[t["value"].notna()].groupby("country_label")["year"].max().to_dict()
    assert {r["country_label"]: r["year"] for r in rows} == last
    assert texts[0]["mark"]["color"] == style.CHART_TEXT and texts[0]["mark"]["align"] == "left"


def test_line_end_labels_do_not_overlap():
    rows = pd.DataFrame(
        {
            "country_label": ["A", "B", "C", "A", "B", "C"],
            "year": [2020] * 3 + [2021] * 3,
            "value": [0.0, 50.0, 100.0, 50.0, 51.0, 50.5],
        }
    )
    ch = charts.line_end_labels(rows, x="year:O", y="value:Q", yfield="value")
    got = sorted(r["value"] for r in ch.to_dict()["datasets"][ch.to_dict()["data"]["name"]])
    gap = (100.0 - 0.0) * 0.075
    assert all(b - a >= gap - 1e-9 for a, b in zip(got, got[1:])), got
    assert max(got) <= 100.0 and min(got) >= 0.0


def test_trend_points_have_a_shape_per_country(ds):
    _, spec = _trend(ds)
    pts = [layer for layer in spec["layer"] if "shape" in layer.get("encoding", {})]
    assert len(pts) == 2  # official figures filled, unconfirmed ones hollow: the same shape per country
    assert pts[0]["encoding"]["shape"] == pts[1]["encoding"]["shape"]
    assert [p["mark"]["filled"] for p in pts] == [True, False]
    scale = pts[0]["encoding"]["shape"]["scale"]
    assert scale["range"] == [style.COUNTRY_SHAPES[c] for c in BALTIC]
    assert len(set(scale["range"])) == 3
    # not the shapes that mean something else on this chart
    assert not {"diamond", "triangle-down"} & set(style.COUNTRY_SHAPES.values())


def _at(value, avail: float):
    """What a reflowed title or subtitle shows when the chart's width (or the window's) is `avail` px:
    evaluates the nested 'avail >= N ? [lines] : …' expression of charts.reflow_title."""
    if not isinstance(value, dict):
        return value
    expr = value["expr"]
    while " ? " in expr:
        cond, rest = expr.split(" ? ", 1)
        need = float(cond.rsplit(">= ", 1)[1])
        dec = json.JSONDecoder()
        lines, end = dec.raw_decode(rest)
        if avail >= need:
            return lines
        expr = rest[end:].lstrip()[1:].lstrip()  # past ' : '
    return json.loads(expr)


def test_screen_title_wraps_and_exports_keep_the_plain_title(ds):
    _, spec = _trend(ds)
    screen = charts.reflow_title(spec)
    assert spec["title"]["text"] == "Registered or identified victims, 2001–2025"  # not changed in place
    t = screen["title"]
    assert screen["usermeta"]["title"] == spec["title"]["text"]
    assert t["limit"] == 0 and screen["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert t["text"]["expr"].startswith("max(width, containerSize()[0] - 8) >= ")
    # wide: one line; narrower: more lines, each short enough for the width it is chosen for; never cut
    assert _at(t["text"], 900) == [spec["title"]["text"]]
    for px in (400, 300, 240, 180, 120):
        lines = _at(t["text"], px)
        assert " ".join(lines) == spec["title"]["text"]
        assert px >= 180 and max(map(len, lines)) * charts._TITLE_EM * 16 <= px or px < 180
    assert len(_at(t["text"], 300)) > 1
    # the subtitle rewraps its paragraphs (the source line is one paragraph, not the export's lines)
    paragraphs = spec["usermeta"]["subtitle"]
    assert paragraphs[0] == "persons" and any(p.startswith("Sources: a long list") for p in paragraphs)
    for px in (900, 600, 400, 300, 200):
        lines = _at(t["subtitle"], px)
        assert " ".join(lines).split() == " ".join(paragraphs).split()
        assert max(map(len, lines)) * charts._SUBTITLE_EM * 12 <= px
    assert _at(t["subtitle"], 2000) == spec["title"]["subtitle"]  # wide: the spec's own lines
    # small multiples have no single width: the window decides
    facet = charts.reflow_title({"facet": {}, "title": dict(spec["title"])})
    assert facet["title"]["text"]["expr"].startswith("(windowSize()[0] - ") and "autosize" not in facet
    # a short title is left alone; a slide keeps its height
    assert charts.reflow_title({"title": {"text": "Short"}})["title"]["text"] == "Short"
    assert "autosize" not in charts.reflow_title(spec, plot_height=False)


def test_screen_spec_wraps_on_screen_only(ds):
    from components.ui import page_data

    t = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons")
    s = charts.trend_chart(
        t, title="A rather long title for a small chart, 2001–2025", unit_text="persons", source_line="s"
    ).to_dict()
    assert isinstance(s["title"]["text"], str)  # exports (vl-convert) read this one
    assert "expr" in page_data.screen_spec(s)["title"]["text"]


def test_safe_style_and_script_refuse_markup(monkeypatch):
    from components.ui import safe_html

    calls = []
    monkeypatch.setattr(safe_html.st, "html", lambda body, **kw: calls.append((body, kw)))
    with pytest.raises(ValueError):
        safe_html.style("a{} </style><script>alert(1)</script>")
    with pytest.raises(ValueError):
        safe_html.script("x = 1; </script><script>alert(1)")
    safe_html.script("document.title = __VALUES__.t;", t="</script><script>alert(1)</script>")
    body, kw = calls[-1]
    assert body.count("<script>") == 1 and body.count("</script>") == 1 and kw["unsafe_allow_javascript"] is True
    assert "\\u003c/script\\u003e" in body


def test_frame_css_and_script_are_constants():
    from components.ui import a11y

    assert "<" not in a11y.FRAME_CSS and "</" not in a11y.FRAME_JS
    assert a11y.page_title("Justice chain", "Trends") == "Justice chain · Trends · Baltic THB statistics"
    assert a11y.page_title() == a11y.SITE_NAME and i18n.DEFAULT == "en"


def test_a_slide_s_chart_rewraps_its_own_lines_on_a_phone_not_the_page_s(ds):
    """/present on a phone: the slide's chart keeps only the lines that explain its marks (the slide sets unit
    and sources as text); rewrapping for a narrow screen drew the page's paragraphs again (unit, full sources,
    the marks' line twice)."""
    import json
    from types import SimpleNamespace

    from components.decks import layout as lay
    from components.ui import page_data

    t = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons")
    spec = charts.trend_chart(t, title="Victims", unit_text="persons", source_line="Sources: Publisher X").to_dict()
    fig = SimpleNamespace(chart_spec=lambda: spec, unit="persons", source_line="Sources: Publisher X", notes=())
    title = json.dumps(page_data.screen_spec(lay.screen_spec(fig)).get("title") or {})
    assert "Publisher X" not in title and '"persons"' not in title, title
