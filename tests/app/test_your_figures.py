"""The "Add your figures" page (issue 17): a synthetic template uploaded, its rows found on Compare and
Trends with their own mark and label, in the chart's CSV with the organisation as source; the official
figures unchanged. Synthetic rows only (a made-up organisation, made-up counts)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.draw import files as ex
from etl.countries import BALTIC
from tests.app.conftest import ROOT, assert_ok, open_page

ORG = "Synthetic Shelter (test)"
TEMPLATE = (
    "country;period;indicator;breakdown;category;value;unit;organisation;source_or_note\n"
    f"EE;2021;victims;total;total;31;persons;{ORG};synthetic test row\n"
    f"EE;2022;victims;total;total;<5;persons;{ORG};synthetic test row\n"
    f'LV;2022;victims;total;total;77;persons;{ORG};=HYPERLINK("http://example.invalid")\n'
    f"LT;2022;victim;total;total;5;persons;{ORG};unknown code\n"
).encode()


def _specs(at):
    return [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]


def _own_layers(spec):
    return [
        layer
        for layer in spec.get("layer", [])
        if isinstance(layer.get("data"), dict)
        and "values" in layer["data"]
        and any("organisation" in r for r in layer["data"]["values"])
    ]


def _uploaded():
    at = open_page("overview")
    at.switch_page("app_pages/your_figures.py").run()
    assert_ok(at)
    at.file_uploader[0].set_value(("synthetic.csv", TEMPLATE, "text/csv")).run()
    assert_ok(at)
    return at


def test_upload_lists_problems_keeps_good_rows_and_shows_them_beside_the_official():
    at = _uploaded()
    text = " ".join(m.value for m in at.markdown)
    assert "Read 4 rows" in text and "3 kept, 1 with problems" in text
    problems = at.dataframe[0].value
    assert list(problems["row"]) == [5] and problems["column"].iloc[0] == "indicator"
    assert "did you mean victims" in problems["problem"].iloc[0]
    kept = at.dataframe[-1].value
    assert sorted(kept["value"]) == ["31", "77", "<5"]
    assert any("nothing is stored on the server" in i.value for i in at.info)

    # Compare 2022: the official bars as before, the uploaded figures a separate layer with their label
    at.switch_page("app_pages/compare.py")
    at.query_params.update({"ind": "victims", "per": "2022", "bd": "total"})
    at.run()
    assert_ok(at)
    spec = _specs(at)[0]
    own = _own_layers(spec)
    assert own, "the uploaded figures are drawn"
    values = own[0]["data"]["values"]
    assert {(r["country"], r["shown"]) for r in values} == {("EE", "<5"), ("LV", "77")}
    assert all(layer["encoding"]["x"].get("stack") is None for layer in own)  # never stacked into a bar
    assert f"figures of {ORG}, not official statistics" in json.dumps(spec["title"])  # the chart says whose
    assert any(f"figures of {ORG}" in c.value.replace("\\", "") for c in at.caption)  # the note (escaped)

    # Trends: the same rows as hollow squares on a dashed line, within the years shown
    at.switch_page("app_pages/trends.py")
    at.query_params.clear()
    at.query_params.update({"ind": "victims"})
    at.run()
    assert_ok(at)
    spec = _specs(at)[0]
    own = _own_layers(spec)
    drawn = {(r["country"], r["year"], r["shown"]) for layer in own for r in layer["data"]["values"]}
    assert drawn == {("EE", 2021, "31"), ("EE", 2022, "<5"), ("LV", 2022, "77")}
    line = next(layer for layer in own if layer["mark"].get("strokeDash"))  # dashed, and a withheld count is not on it
    assert {r["shown"] for r in line["data"]["values"]} == {"31", "77"}

    # Overview cards and the Check page: a labelled line beside the official figure, never in its place
    def own_captions():
        return [c.value.replace("\\", "") for c in at.caption if f"figures of {ORG}" in c.value.replace("\\", "")]

    at.switch_page("app_pages/overview.py")
    at.query_params.clear()
    at.run()
    assert_ok(at)
    assert any("77 (2022)" in c for c in own_captions())
    at.switch_page("app_pages/check.py")
    at.query_params.update({"fig": "EE~2021~2021~victims~total~total~persons"})
    at.run()
    assert_ok(at)
    assert own_captions() == [f"□ figures of {ORG}, not official statistics: 31 (2021)"]


def test_official_figures_are_never_replaced_and_the_csv_labels_the_uploaded_rows():
    from components.builders import build
    from components.builders.page_rows import options_for
    from components.core.dataset import load
    from components.uploads.overlay import beside
    from components.uploads.read import read
    from components.view.state import ViewState, resolve
    from tests.app.conftest import DATA_DIR

    ds = load(DATA_DIR)
    opts = options_for(ds)
    view = ViewState.from_query({"ind": "victims", "per": "2022", "bd": "total"}, opts, "compare")[0]
    shown = resolve(view, opts)
    official = build(ds, shown, opts).main
    up = read(TEMPLATE, "synthetic.csv", ds.codebook)
    fig = beside(official, up.rows, "compare", shown, ds)
    # the official rows, facts' rows and check links are the same objects' values: nothing replaced
    pd.testing.assert_frame_equal(fig.rows, official.rows)
    assert fig.check == official.check and fig.source_ids == official.source_ids
    assert json.dumps(official.chart_spec()["layer"], sort_keys=True, default=str) == json.dumps(
        fig.chart_spec()["layer"][: len(official.chart_spec()["layer"])], sort_keys=True, default=str
    )
    csv = pd.read_csv(
        io.BytesIO(ex.figure_csv(fig, ds.sources)), dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    mine = csv[csv["grade"] == "own_figures"]
    assert len(mine) == 2 and set(mine["source_publisher"]) == {ORG}
    assert all(n.startswith(f"figures of {ORG}, not official statistics") for n in mine["note"])
    assert (csv.loc[csv["grade"] != "own_figures", "preferred"] == "True").all()
    # a formula in a label stays text: neutralised with an apostrophe where a cell starts with it
    assert mine.loc[mine["country"] == "LV", "source_location"].iloc[0].startswith("'=HYPERLINK")
    assert len(csv) - 2 == len(official.rows)


def test_uploaded_counts_are_never_turned_into_a_rate():
    from components.builders import build
    from components.builders.page_rows import options_for
    from components.core.dataset import load
    from components.uploads.overlay import beside
    from components.uploads.read import read
    from components.view.state import ViewState, resolve
    from tests.app.conftest import DATA_DIR

    ds = load(DATA_DIR)
    opts = options_for(ds)
    shown = resolve(
        ViewState.from_query({"ind": "victims", "per": "2022", "bd": "total", "m": "pm"}, opts, "compare")[0], opts
    )
    official = build(ds, shown, opts).main
    fig = beside(official, read(TEMPLATE, "synthetic.csv", ds.codebook).rows, "compare", shown, ds)
    assert len(fig.chart_spec()["layer"]) == len(official.chart_spec()["layer"]) and fig.own_rows is None
    assert any("never divided by the population" in n for n in fig.notes)


def test_the_chart_with_uploaded_figures_is_valid_vega_lite_and_exports():
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    from components.builders import build
    from components.builders.page_rows import options_for
    from components.core.dataset import load
    from components.uploads.overlay import beside
    from components.uploads.read import read
    from components.view.state import ViewState, resolve
    from tests.app.conftest import DATA_DIR

    ds = load(DATA_DIR)
    opts = options_for(ds)
    own = read(TEMPLATE, "synthetic.csv", ds.codebook).rows
    schema = load_schema()
    for page, query in (("compare", {"ind": "victims", "per": "2022", "bd": "total"}), ("trends", {"ind": "victims"})):
        shown = resolve(ViewState.from_query(query, opts, page)[0], opts)
        fig = beside(build(ds, shown, opts).main, own, page, shown, ds)
        assert fig.own_rows is not None, page
        validate_jsonschema(fig.chart_spec(), schema)
        svg = ex.figure_svg(fig, ds.meta, ds.sources).decode("utf-8")
        assert f"figures of {ORG}" in svg.replace("&#39;", "'"), page


def test_a_slide_of_your_deck_draws_your_figures_beside_the_official():
    """Issue 17: slides carry the uploaded figures with their mark and label, as the page does."""
    from components.view import deck as dk

    at = _uploaded()
    deck, _ = dk.parse(
        {
            "title": "Synthetic deck",
            "slides": [{"page": "trends", "query": {"ind": "victims"}, "title": "Victims over time", "note": ""}],
        }
    )
    at.switch_page("app_pages/present.py")
    at.query_params.clear()
    at.query_params["mydeck"] = dk.encode(deck)
    at.run()
    assert_ok(at)
    spec = _specs(at)[0]
    assert _own_layers(spec) and f"figures of {ORG}, not official statistics" in json.dumps(spec["title"])


# ------------------------------------------------------------------------ issue 26: the NGO worker's journey

JOURNEY_ORG = "Synthetic Shelter (journey test)"


def _journey_csv() -> bytes:
    """14 synthetic rows: an NGO indicator in three countries over three years, victims_assisted for 2023 (a
    year the official table lacks for it), hotline contacts and a withheld multi-year count."""
    rows = [
        f"{c},{y},ngo_persons_assisted,total,total,{n},persons,{JOURNEY_ORG},synthetic"
        for n, (c, y) in enumerate(((c, y) for c in BALTIC for y in (2021, 2022, 2023)), start=30)
    ]
    rows += [
        f"{c},2023,victims_assisted,total,total,{v},persons,{JOURNEY_ORG},synthetic"
        for c, v in (("EE", 23), ("LV", 41), ("LT", 17))
    ]
    rows += [
        f"EE,2022,ngo_hotline_contacts,total,total,250,contacts,{JOURNEY_ORG},synthetic",
        f"LV,2021-2023,ngo_presumed_victims_referred,total,total,<5,persons,{JOURNEY_ORG},=not a formula",
    ]
    assert len(rows) == 14
    return (
        "country;period;indicator;breakdown;category;value;unit;organisation;source_or_note\n"
        + "\n".join(r.replace(",", ";") for r in rows)
        + "\n"
    ).encode("utf-8")


@pytest.fixture
def real_data(monkeypatch):
    """The real dataset: the NGO indicators and victims_assisted are in its codebook (the uploaded rows are
    synthetic; no number of the real table is asserted)."""
    monkeypatch.setenv("THB_DATA_DIR", str(ROOT / "data"))


@pytest.fixture
def deferred(monkeypatch):
    """Every download button's deferred `data` callable, by file name: called later by the test, outside the
    script run, as Streamlit calls it when the reader clicks (no session state, no language there)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


def _journey(lang="et"):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/your_figures.py")
    at.query_params["lang"] = lang
    at.run()
    assert_ok(at)
    at.file_uploader[0].set_value(("minu_andmed.csv", _journey_csv(), "text/csv")).run()
    assert_ok(at)
    return at


def _links(at) -> dict:
    from urllib.parse import parse_qsl

    return {link.proto.page: dict(parse_qsl(link.proto.query_string)) for link in at.get("page_link")}


ROUND_TRIP = [
    "country",
    "period_start",
    "period_end",
    "period_label",
    "indicator",
    "breakdown",
    "category",
    "unit",
    "value",
    "suppressed",
    "organisation",
    "note",
]


def test_the_download_gives_back_exactly_the_rows_uploaded(real_data, deferred):
    from components.core.dataset import load
    from components.uploads.read import read

    at = _journey()
    text = " ".join(m.value for m in at.markdown)
    assert "14 vastu võetud, 0 probleemidega" in text
    assert {"thb-baltic_your-figures.csv", "thb-baltic_your-figures.xlsx"} <= set(deferred)
    cb = load(ROOT / "data").codebook
    uploaded = read(_journey_csv(), "minu_andmed.csv", cb).rows
    for name in ("thb-baltic_your-figures.csv", "thb-baltic_your-figures.xlsx"):
        data = deferred[name]()  # outside the session, as on a click
        again = read(data, name, cb)
        assert not again.problems, (name, again.problems)
        pd.testing.assert_frame_equal(again.rows[ROUND_TRIP], uploaded[ROUND_TRIP], obj=name)
    # the workbook's texts in the page's language, though built outside the session
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(deferred["thb-baltic_your-figures.xlsx"]()))
    how = wb.worksheets[2]
    assert how.title == "juhend" and how["A1"].value.startswith("Teie andmed")


def test_compare_and_trends_offer_the_ngo_indicators_as_yours(real_data):
    at = _journey("en")
    for page in ("compare", "trends"):
        at.switch_page(f"app_pages/{page}.py")
        at.query_params.clear()
        at.run()
        assert_ok(at)
        box = next(s for s in at.selectbox if s.label == "Indicator")
        options = list(box.options)
        mine = [o for o in options if "your figures, not official statistics" in o]
        assert len(mine) == 3, options
        assert (
            options.index("□ Persons assisted by the organisation (NGO figure): your figures, not official statistics")
            == options.index("Victims assisted") + 1
        )  # beside the nearest official


def test_the_links_open_views_that_draw_the_uploaded_rows(real_data):
    at = _journey("et")
    links = _links(at)
    compare, trends = links["compare"], links["trends"]
    assert compare["lang"] == trends["lang"] == "et"
    labels = [link.proto.label for link in at.get("page_link")]
    assert labels == ["Vaata neid lehel Võrdlus", "Vaata neid lehel Suundumused"]  # the menu's names

    at.switch_page("app_pages/compare.py")
    at.query_params.clear()
    at.query_params.update(compare)
    at.run()
    assert_ok(at)
    assert not at.info or not any("could not be used" in i.value for i in at.info)  # the link is taken whole
    period = next(s for s in at.selectbox if s.label == "Aasta või periood")
    assert "2023" in period.options and period.value == "2023"
    spec = _specs(at)[0]
    drawn = {(r["country"], r["year"]) for layer in _own_layers(spec) for r in layer["data"]["values"]}
    assert drawn == {("EE", 2023), ("LV", 2023), ("LT", 2023)}

    at.switch_page("app_pages/trends.py")
    at.query_params.clear()
    at.query_params.update(trends)
    at.run()
    assert_ok(at)
    spec = _specs(at)[0]
    own = _own_layers(spec)
    drawn = {(r["country"], r["year"]) for layer in own for r in layer["data"]["values"]}
    assert drawn == {(c, y) for c in BALTIC for y in (2021, 2022, 2023)}
    assert all(layer["encoding"]["x"]["type"] == "quantitative" for layer in spec["layer"])  # one continuous axis
    legend = next(layer["encoding"]["fill"] for layer in own if "fill" in layer["encoding"])
    assert legend["scale"]["domain"] == [f"{JOURNEY_ORG} andmed, mitte ametlik statistika"]
    assert any(layer["mark"].get("strokeDash") for layer in own)


def test_victims_assisted_2023_on_trends_is_on_a_continuous_axis_with_a_legend(real_data):
    at = _journey("en")
    at.switch_page("app_pages/trends.py")
    at.query_params.clear()
    at.query_params.update({"ind": "victims_assisted"})
    at.run()
    assert_ok(at)
    spec = _specs(at)[0]
    own = _own_layers(spec)
    assert {r["year"] for layer in own for r in layer["data"]["values"]} == {2023}
    xs = [
        layer["encoding"]["x"]
        for layer in spec["layer"]
        if layer.get("encoding", {}).get("x", {}).get("field") == "year"
    ]
    assert xs and all(x["type"] == "quantitative" for x in xs)
    lo, hi = xs[0]["scale"]["domain"]
    assert hi == 2023 and xs[0]["axis"]["format"] == "d"  # one axis over every year, 2017…2022 too
    assert xs[0]["axis"]["tickCount"]["expr"].startswith(f"min({hi - lo}, ")  # at most a tick a year
    point = next(layer for layer in own if "fill" in layer["encoding"])
    assert point["mark"]["shape"] == "square" and point["encoding"]["fill"]["legend"] is not None


def test_a_file_over_the_limit_gets_a_message_in_the_pages_language_and_the_summary_follows(real_data):
    from components.uploads import read as uploads

    at = _journey("et")
    big = _journey_csv() + b"\n" * (uploads.MAX_BYTES + 10)
    at.file_uploader[0].set_value(("suur.csv", big, "text/csv")).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and any("suur\\.csv" in e and "Fail on suurem kui 2 MB" in e for e in errors), errors
    assert any("varasemate failide andmed on endiselt alles" in e for e in errors)
    text = " ".join(m.value for m in at.markdown)
    assert "minu\\_andmed" not in text  # the summary no longer describes the previous file
    assert len(at.dataframe[-1].value) == 14  # the figures kept before are still there


def test_the_page_names_pages_as_the_menu_does():
    from components.core import pages as registry
    from components.core.i18n import _, using

    at = open_page("overview")
    at.switch_page("app_pages/your_figures.py")
    at.query_params["lang"] = "et"
    at.run()
    assert_ok(at)
    with using("et"):
        compare, trends = _(registry.page("compare").title), _(registry.page("trends").title)
    text = at.markdown[0].value
    assert f"Avage leht {compare} või {trends}" in text and "Võrdle " not in text and "Trendid" not in text
