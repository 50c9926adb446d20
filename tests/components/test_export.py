"""Exports: PNG/SVG open and carry title, source and build line; CSV holds exactly the rows with
formula injection neutralised; the dataset zip holds what its README promises."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from components.core import queries as q
from components.core.cite import figure_citation, source_line, sources_detail
from components.draw import files as ex
from components.draw.charts import CHAIN_PANEL_WIDTH, chain_chart, compare_chart, trend_chart
from etl.countries import BALTIC

TODAY = date(2026, 1, 2)


def _png_width(png: bytes) -> int:
    from PIL import Image

    return Image.open(io.BytesIO(png)).size[0]


@pytest.fixture(scope="module")
def compare(ds):
    d = q.compare_data(
        ds.table,
        ds.codebook,
        indicator="victims",
        period=q.best_period(ds.table, "victims"),
        breakdown="exploitation",
        unit="persons",
        countries=list(BALTIC),
    )
    src = source_line(q.source_ids_of(d), ds.sources)
    return d, compare_chart(d, title="Registered victims by exploitation", unit_text="persons", source_line=src), src


def _fig(chart):
    """A chart as the smallest Figure-like object the exports take (spec, notes, source ids)."""
    return SimpleNamespace(
        spec=chart.to_dict(), notes=(), source_line="", source_ids=(), rows=None, file_stem="thb-test"
    )


def test_svg_has_title_source_and_build_line(ds, compare):
    _, ch, src = compare
    svg = ex.figure_svg(_fig(ch), ds.meta, today=TODAY).decode()
    assert svg.lstrip().startswith("<svg")
    assert "Registered victims by exploitation" in svg
    assert "SYNTHETIC" in svg and "Source" in svg  # the source line
    assert "synthetic-0.0.1" in svg and "Data as of 2026-01-01" in svg


def test_png_is_slide_sized(ds, compare):
    from PIL import Image

    png = ex.figure_png(_fig(compare[1]), ds.meta, today=TODAY)
    w, h = Image.open(io.BytesIO(png)).size
    assert 1500 <= w <= 1700 and h >= 300


def test_every_chart_kind_exports(ds):
    cb = ds.codebook
    t = q.trend_data(ds.table, cb, indicator="victims", unit="persons", countries=list(BALTIC))
    c = q.chain_data(ds.table, cb, countries=list(BALTIC))
    for ch in (
        trend_chart(t, title="Trend T", unit_text="persons", source_line="Source: S"),
        chain_chart(
            c,
            title="Chain T",
            unit_text="persons",
            source_line="Source: S",
            stage_order=[cb.indicator_label(i, short=True) for i in q.CHAIN],
        ),
    ):
        svg = ex.render_svg(ex.figure_spec(_fig(ch), "Data as of X")).decode()
        assert "Data as of X" in svg and "Source: S" in svg
        assert _png_width(ex.figure_png(_fig(ch), ds.meta)) >= 1500


def test_export_spec_does_not_touch_the_screen_chart(compare):
    fig = _fig(compare[1])
    before = json.dumps(fig.spec["title"])
    ex.figure_spec(fig, "footer")
    assert json.dumps(fig.spec["title"]) == before


def test_csv_exact_rows_with_sources(ds, compare):
    d = compare[0]
    shown = d[["country", "category", "value", "source_id"]].head(7)
    out = pd.read_csv(
        io.BytesIO(ex.csv_bytes(ex.with_source_columns(shown, ds.sources))), encoding="utf-8-sig", keep_default_na=False
    )
    assert len(out) == len(shown)
    assert list(out["country"]) == list(shown["country"])
    assert {"source_publisher", "source_title", "source_url"} <= set(out.columns)
    assert all(p.startswith("SYNTHETIC") for p in out["source_publisher"] if p)


def test_csv_injection_neutralised():
    df = pd.DataFrame(
        {"a": ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "ok", "a=b"], "n": [-1, 2, -3.5, 4, 5, 6, 7, 8]}
    )
    out = pd.read_csv(io.BytesIO(ex.csv_bytes(df)), encoding="utf-8-sig", keep_default_na=False)
    assert list(out["a"][:4]) == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)"]
    assert out["a"][4] == "'\tx" and out["a"][6] == "ok" and out["a"][7] == "a=b"
    assert list(out["n"]) == [-1, 2, -3.5, 4, 5, 6, 7, 8]  # numbers untouched, negative stays a number


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(max_size=12), min_size=1, max_size=6), st.lists(st.integers(-1000, 1000), min_size=1, max_size=6)
)
def test_csv_property_no_cell_starts_a_formula(texts, nums):
    n = min(len(texts), len(nums))
    df = pd.DataFrame({"t": texts[:n], "v": nums[:n]})
    safe = ex.safe_frame(df)
    for orig, cell in zip(df["t"], safe["t"]):
        assert not cell.startswith(ex.FORMULA_START)
        assert cell == orig or cell == "'" + orig  # nothing else changes
    assert list(safe["v"]) == list(df["v"])


def test_file_names():
    assert (
        ex.file_name("csv", indicator="victims", unit="per_million", period="2015-2023")
        == "thb-baltic_victims_per-million_2015-2023.csv"
    )
    assert (
        ex.file_name("png", countries=["EE", "LT"], indicator="convicted", period="2022")
        == "thb-ee-lt_convicted_2022.png"
    )
    assert ex.file_name("svg", indicator="../../etc/passwd") == "thb-baltic_etc-passwd.svg"


def test_dataset_zip(ds):
    z = zipfile.ZipFile(io.BytesIO(ex.dataset_zip(ds.table, ds.sources, ds.data_dir, ds.meta, TODAY)))
    names = set(z.namelist())
    assert {
        "thb_baltic.csv",
        "sources.csv",
        "README.txt",
        "codebook/indicators.csv",
        "codebook/country_definitions.csv",
    } <= names
    t = pd.read_csv(z.open("thb_baltic.csv"), encoding="utf-8-sig")
    assert len(t) == len(ds.table)
    readme = z.read("README.txt").decode()
    assert "How to cite" in readme and "synthetic-0.0.1" in readme and "CC BY 4.0" in readme
    assert "Caveats" in readme and "<5" in readme


def test_sources_detail_and_citation(ds):
    rows = pd.DataFrame(
        {
            "source_id": ["SYN_NAT_EE", "SYN_NAT_EE;SYN_EUROSTAT", "SYN_UNODC"],
            "source_location": ["Table 1", "Table 2", ""],
        }
    )
    d = sources_detail(rows, ds.sources)
    assert list(d["Source id"]) == ["SYN_NAT_EE", "SYN_EUROSTAT", "SYN_UNODC"]
    assert d.iloc[0]["Location"] == "Table 1; Table 2"
    assert d.iloc[0]["Link"] == "https://example.org/syn_nat_ee" and d.iloc[0]["Accessed"] == "2026-01-01"
    rec = ds.sources[ds.sources["source_id"] == "SYN_NAT_EE"].iloc[0].to_dict()
    c = figure_citation("Registered victims, Estonia, 2022", "90", rec, "Table 1", ds.meta, TODAY)
    assert "SYNTHETIC Estonian ministry (2025)" in c and "Table 1" in c and "synthetic-0.0.1" in c


# ------------------------------------------------------------------------------ Figures (issue 12)


def _figure(rows, chart, *, ids=(), line="", notes=(), stem="thb-baltic_test"):
    from components.core.figure import Figure

    return Figure(
        kind="chart",
        key="k",
        title="T",
        unit="persons",
        period=None,
        rows=rows,
        table=rows,
        source_ids=tuple(ids),
        source_line=line,
        alt_text="",
        spec=chart.to_dict(validate=False),
        notes=tuple(notes),
        file_stem=stem,
    )


@pytest.fixture(scope="module")
def trend(ds):
    cb = ds.codebook
    t = q.trend_data(ds.table, cb, indicator="victims", unit="persons", countries=list(BALTIC))
    ids = q.source_ids_of(t)
    line = source_line(ids, ds.sources)
    notes = tuple(f"{r.country_label} {r.year}: {r.marker_note}" for r in t[t["marker_note"] != ""].itertuples())
    assert notes  # the synthetic data has breaks and source changes
    return _figure(
        t,
        trend_chart(t, title="Registered victims, 2012–2023", unit_text="persons", source_line=line),
        ids=ids,
        line=line,
        notes=notes,
    )


def test_figure_export_carries_every_note_and_the_footer(ds, trend):
    before = json.dumps(trend.spec, sort_keys=True)
    spec = ex.figure_spec(trend, ex.footer_line(ds.meta, TODAY), ds.sources)
    assert json.dumps(trend.spec, sort_keys=True) == before  # the figure is not changed
    ex.figure_svg(trend, ds.meta, ds.sources, TODAY)  # nor by drawing it
    assert json.dumps(trend.spec, sort_keys=True) == before
    text = " ".join(spec["title"]["subtitle"])
    for n in trend.notes:
        assert " ".join(f"Note: {n}".split()) in text
    assert "synthetic-0.0.1" in text and text.endswith(TODAY.isoformat())
    svg = ex.figure_svg(trend, ds.meta, ds.sources, TODAY).decode()
    assert "Note: Estonia 2017" in svg and "Registered victims, 2012–2023" in svg


def test_no_chart_text_points_at_something_a_file_lacks(ds, trend, compare):
    """'notes under the chart', 'see table', 'below': an exported file has neither table nor page."""

    for fig in (trend, _figure(compare[0], compare[1])):
        text = " ".join(ex.figure_spec(fig, "f", ds.sources)["title"]["subtitle"]).lower()
        assert not re.search(r"under the chart|below|see (the )?table|listed in the table", text), text
    # a page's own wording (the chain's unit "persons or cases (see table)") is not carried into a file
    c = q.chain_data(ds.table, ds.codebook, countries=["EE"])
    ch = chain_chart(
        c,
        title="Chain",
        unit_text="persons or cases (see table)",
        source_line="Source: S",
        stage_order=[ds.codebook.indicator_label(i, short=True) for i in q.CHAIN],
    )
    assert ex.figure_spec(_figure(c, ch), "f")["title"]["subtitle"][0] == "persons or cases"


def test_export_png_in_the_apps_font_everywhere(ds, trend, compare):
    """Every text of an exported SVG names the app's font; the PNG is drawn in it (shipped, registered)."""
    import re

    from components.core import style

    fam = ex.FONT.split(",")[0].strip()  # the family the exports name first
    assert fam == "Source Sans Pro"
    assert (ex.FONT_DIR / "SourceSansPro-Regular.ttf").is_file() and (ex.FONT_DIR / "SourceSansPro-Bold.ttf").is_file()
    assert "SIL Open Font License" in (ex.FONT_DIR / "LICENSE.md").read_text(encoding="utf-8")
    c = q.chain_data(ds.table, ds.codebook, countries=list(BALTIC))
    chain = chain_chart(
        c,
        title="Chain",
        unit_text="persons or cases",
        source_line="Source: S",
        stage_order=[ds.codebook.indicator_label(i, short=True) for i in q.CHAIN],
    )
    for fig in (trend, _figure(compare[0], compare[1]), _figure(c, chain)):
        svg = ex.figure_svg(fig, ds.meta, ds.sources, TODAY).decode()
        texts = re.findall(r"<text\b[^>]*>", svg)
        assert len(texts) > 10  # title, subtitles, axes, legend, labels
        fams = {m for t in texts for m in re.findall(r'font-family="([^"]*)"', t)}
        assert fams == {style.FONT}, fams
        assert all("font-family" in t for t in texts)

    def png(font):
        spec = {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "width": 200,
            "height": 20,
            "data": {"values": [{"t": "◆ <5 ▽ Lietuva ąčė Latvija āēģ"}]},
            "mark": {"type": "text", "font": font},
            "encoding": {"text": {"field": "t"}},
        }
        return ex.render_png(spec, width=400)

    # drawn in Source Sans Pro, not in a fallback: a family vl-convert lacks would look the same as any other
    assert png(fam) != png("No Such Font Family") == png("Another Missing Family")


def test_long_source_names_wrap_and_are_never_cut(ds, compare):
    long_title = " ".join(f"Synthetic annual report part {i} on trafficking in human beings" for i in range(6))
    sources = pd.DataFrame(
        [
            {
                "source_id": "SYN_LONG",
                "publisher": "SYNTHETIC Very long ministry name of a "
                "fictional country (Department of Statistics and Analysis)",
                "title": long_title,
                "url": "https://example.org/long",
                "date_accessed": "2026-01-01",
            }
        ]
    )
    line = source_line(["SYN_LONG"], sources)
    assert long_title in line and "…" not in line
    rows = compare[0].assign(source_id="SYN_LONG")
    ch = compare_chart(rows, title="Long source", unit_text="persons", source_line=line)
    fig = _figure(rows, ch, ids=("SYN_LONG",), line=line)
    sub = ex.figure_spec(fig, "Data as of X", sources)["title"]["subtitle"]
    assert " ".join(" ".join(sub).split()).find(" ".join(line.split())) >= 0  # whole, in order
    assert len(sub) >= 5 and max(len(x) for x in sub) <= 140 and not any("…" in x for x in sub)
    svg = ex.figure_svg(fig, ds.meta, sources, TODAY).decode()
    assert "part 5 on trafficking in human beings" in svg and "…" not in svg
    drawn = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]
    assert all(line in drawn for line in sub[:-1])  # every wrapped line drawn whole (the last is the footer)


def test_export_names_every_source_in_full(ds):
    ids = list(ds.sources["source_id"][:5])
    line = source_line(ids, ds.sources)
    assert "+2 more" in line  # the screen's short line
    t = pd.DataFrame({"country": ["EE"], "value": [1.0], "source_id": [";".join(ids)]})
    ch = compare_chart(pd.DataFrame(), title="T", unit_text="persons", source_line=line)
    fig = _figure(t, ch, ids=ids, line=line)
    text = " ".join(ex.figure_spec(fig, "f", ds.sources)["title"]["subtitle"])
    assert "more" not in text
    for i in ids:
        rec = ds.sources[ds.sources["source_id"] == i].iloc[0]
        assert f"{rec['publisher']}: {rec['title']}" in text


def test_figure_csv_is_the_pages_csv_and_names_from_the_stem(ds, compare):
    d = compare[0]
    fig = _figure(d, compare[1], stem="thb-baltic_victims_exploitation_2022")
    assert ex.figure_csv(fig, ds.sources) == ex.csv_bytes(ex.with_source_columns(d, ds.sources))
    assert ex.figure_file_name(fig, "png") == "thb-baltic_victims_exploitation_2022.png"
    assert ex.figure_file_name(_figure(d, compare[1], stem="../../etc/passwd"), ".svg") == "etc-passwd.svg"


def test_small_multiples_export_at_their_width(ds):
    c = q.chain_data(ds.table, ds.codebook, countries=list(BALTIC))
    ch = chain_chart(
        c,
        title="Chain",
        unit_text="persons",
        source_line="Source: S",
        stage_order=[ds.codebook.indicator_label(i, short=True) for i in q.CHAIN],
    )
    # the panels are stacked (on screen each takes the column's width): the file is one panel wide
    assert ex.spec_width(ch.to_dict(validate=False)) == CHAIN_PANEL_WIDTH
    assert _png_width(ex.figure_png(_fig(ch), ds.meta)) >= 1500


def test_a_view_csv_writes_whole_years_and_a_label_beside_each_code():
    """Compare's CSV on the real data: a 'no data' row made the years float ('2022.0'); the label columns the
    README promises sit beside the codes, in the reader's language."""
    import io
    from pathlib import Path

    from components.builders import build
    from components.builders.page_rows import options_for
    from components.core import i18n
    from components.core.dataset import load
    from components.view.state import ViewState

    real = load(Path(__file__).resolve().parents[2] / "data")
    opts = options_for(real)
    view, _ = ViewState.from_query({"ind": "convicted", "per": "2008", "bd": "total"}, opts, "compare")
    fig = build(real, view, opts).main
    assert fig.rows["period_start"].dtype.kind == "f" or True  # whatever the frame holds, the file is whole years
    i18n.use("lv")
    try:
        data = ex.figure_csv(fig, real.sources, real.codebook)
    finally:
        i18n.use("en")
    text = data.decode("utf-8-sig")
    assert ".0," not in text.split("\r\n")[1]
    table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert list(table.columns[:3]) == ["country", "country_label", "period_label"]
    assert {"indicator_label", "unit_label", "category_label", "breakdown_label"} <= set(table.columns)
    assert "Latvija" in set(table["country_label"]) and set(table["period_start"]) <= {"2008"}


def test_an_svg_carries_its_font(ds):
    """The SVG embeds the faces it uses as WOFF subsets with every letter of the five languages, so a
    machine without Source Sans Pro draws the same layout (no '015' for 2015, no cut '<5')."""
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    svg = ex.embed_fonts(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<text font-family="Source Sans Pro" font-weight="bold">Ūdens 2015 Жертвы</text>'
        '<text font-family="Source Sans Pro">&lt;5 ąčęėįšųūž õäöü āēīķļņ</text></svg>'
    )
    faces = re.findall(
        r'@font-face\{font-family:"Source Sans Pro";font-weight:(\w+);font-style:(\w+);'
        r"src:url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)",
        svg,
    )
    assert sorted((w, s) for w, s, _ in faces) == [("bold", "normal"), ("normal", "normal")]
    for _, _, data in faces:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in "Ūdens2015Жертвы<5ąčęėįšųūžõäöüāēīķļņ")
        assert "Source Sans" in font["name"].getDebugName(1)  # names and licence kept with the glyphs
    assert svg.index("<defs><style>@font-face") < svg.index("<text")


def test_the_renderer_warm_up_makes_every_font_subset_the_first_image_needs(ds):
    """The warm-up pays the font work (0.3-0.4 s a face): the first chart image after it makes no subset of
    its own, whatever faces and languages the chart's text uses."""
    ex._font_face.cache_clear()
    ex.warm_renderer()
    made = ex._font_face.cache_info().misses
    assert made == len(ex.FONT_FACES)
    fig = SimpleNamespace(
        spec=trend_chart(
            q.trend_data(ds.table, ds.codebook, indicator="victims", unit="count", countries=list(BALTIC)),
            title="Жертвы / Cietušie",
            unit_text="persons",
            source_line="Source: test",
        ).to_dict(),
        notes=("Note: _italic_ words",),
        source_line="Source: test",
    )
    ex.figure_svg(fig, ds.meta)
    assert ex._font_face.cache_info().misses == made


def test_a_png_is_compact_and_the_same_picture():
    """The PNG is re-compressed losslessly (vl-convert's is RGBA and lightly compressed): the same pixels, a
    fraction of the bytes; an opaque picture drops its alpha channel, a transparent one keeps it."""
    from PIL import Image, ImageChops

    vlc = ex._vlc()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120"><rect width="200" height="120" '
        'fill="#ffffff"/><path d="M10 100 L60 20 L110 80 L190 10" stroke="#1f77b4" stroke-width="3" fill="none"/>'
        '<text x="10" y="115" font-family="Source Sans Pro" font-size="12">SYNTHETIC 2015</text></svg>'
    )
    raw = vlc.svg_to_png(svg, scale=4.0)
    small = ex.compact_png(raw)
    before, after = Image.open(io.BytesIO(raw)), Image.open(io.BytesIO(small))
    assert after.mode == "RGB" and after.size == before.size and len(small) < len(raw)
    assert ImageChops.difference(before.convert("RGB"), after).getbbox() is None  # not one pixel differs
    clear = vlc.svg_to_png(svg.replace('<rect width="200" height="120" fill="#ffffff"/>', ""), scale=1.0)
    assert Image.open(io.BytesIO(ex.compact_png(clear))).mode == "RGBA"  # transparency kept
