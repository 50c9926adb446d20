"""The HTTP API's handlers (components/serve/api.py) under Starlette's TestClient, on the synthetic fixture
(invented numbers) unless a test says otherwise: every endpoint, the rows of every page view against
the pages' own query functions, headers (version, ETag, 304, CORS), every bad request, 404s, traversal.

The same endpoints on the real server (`streamlit run server.py`) are in tests/e2e/test_api_e2e.py.
"""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from components.builders import main_figure, page_rows as views
from components.core import provenance as prov, queries as q
from components.core.dataset import Dataset, assemble_dataset
from components.decks.present import slide_view
from components.draw import files as ex
from components.draw.map_deck import choropleth_data
from components.serve import api, api_mount
from components.view import deck as _deck
from components.view.state import ViewState, resolve
from etl.figure_key import parse_figure_key
from etl.paths import REPO_ROOT

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "synthetic"
V = "/api/v1"


@pytest.fixture(scope="module")
def client():
    mp = pytest.MonkeyPatch()
    mp.setenv("THB_DATA_DIR", str(FIXTURE))
    with TestClient(Starlette(routes=api.ROUTES)) as c:
        yield c
    mp.undo()


@pytest.fixture(scope="module")
def sds() -> Dataset:
    return assemble_dataset(FIXTURE)


@pytest.fixture(scope="module")
def opts(sds):
    return views.options_for(sds)


def frame(r) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(r.content), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def error(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["cache-control"] == "no-store"
    assert "Traceback" not in r.text
    return r.json()["error"]


def expected_csv(rows: pd.DataFrame, sds) -> bytes:
    return ex.csv_bytes(ex.with_source_columns(ex.with_label_columns(ex.tidy(rows), sds.codebook), sds.sources))


# ------------------------------------------------------------------------------------ figures


def test_index_lists_the_endpoints(client):
    r = client.get(V)
    assert r.status_code == 200 and r.headers["x-dataset-version"] == "synthetic-0.0.1"
    body = r.json()
    assert body["api"] == "v1" and f"{V}/figures.csv" in body["endpoints"]
    assert client.get(V + "/").json() == body


def test_figures_csv_defaults_to_the_preferred_rows_as_built(client, sds):
    r = client.get(V + "/figures.csv")
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["x-dataset-version"] == "synthetic-0.0.1" and r.headers["etag"].startswith('"')
    assert "public" in r.headers["cache-control"] and "max-age" in r.headers["cache-control"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read Baltic letters
    assert r.content == ex.csv_bytes(ex.published_table(sds.table[sds.table["preferred"]]))
    built = pd.read_csv(FIXTURE / "harmonised" / "thb_baltic.csv", dtype=str, keep_default_na=False)
    got = frame(r)
    assert list(got.columns) == list(built.columns)  # the file's columns, none of the app's
    want = built[built["preferred"] == "True"].reset_index(drop=True)
    num = ["value", "value_low", "value_high"]  # the synthetic file spells 10 as 10.0; the real build test is below
    pd.testing.assert_frame_equal(got.drop(columns=num), want.drop(columns=num))
    for c in num:
        pd.testing.assert_series_equal(pd.to_numeric(got[c]), pd.to_numeric(want[c]))


def test_the_whole_table_is_served_as_built():
    """On the real data: /api/v1/thb_baltic.csv is the committed build byte for byte (BOM and CRLF aside)."""
    real = assemble_dataset(REPO_ROOT / "data")
    text = ex.csv_bytes(ex.published_table(real.table)).decode("utf-8-sig").replace("\r\n", "\n")
    assert text == (REPO_ROOT / "data" / "harmonised" / "thb_baltic.csv").read_text(encoding="utf-8")


def test_figures_filters(client, sds):
    t = sds.table
    r = client.get(
        V + "/figures.csv",
        params={
            "country": "LV,EE",
            "indicator": "victims",
            "from": "2015",
            "to": "2020",
            "unit": "persons",
            "breakdown": "sex",
        },
    )
    want = t[
        t["preferred"]
        & t["country"].isin(["EE", "LV"])
        & (t["indicator"] == "victims")
        & (t["period_start"] >= 2015)
        & (t["period_end"] <= 2020)
        & (t["unit"] == "persons")
        & (t["breakdown"] == "sex")
    ]
    assert len(want) > 0 and len(frame(r)) == len(want)
    assert r.content == ex.csv_bytes(ex.published_table(want))
    assert len(frame(client.get(V + "/figures.csv?preferred=all"))) == len(t)
    assert len(frame(client.get(V + "/figures.csv?preferred=false"))) == int((~t["preferred"]).sum())
    cat = client.get(V + "/figures.csv?breakdown=sex&category=female&preferred=all")
    assert set(frame(cat)["category"]) == {"female"}


def test_figures_json_carries_version_types_and_the_same_rows(client, sds):
    q_ = "?country=EE&indicator=victims&preferred=all"
    r = client.get(V + "/figures.json" + q_)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["dataset_version"] == "synthetic-0.0.1" and body["api"] == "v1"
    assert body["query"] == {"country": "EE", "indicator": "victims", "preferred": "all"}
    assert "CC BY 4.0" in body["licence"] and "synthetic-0.0.1" in body["citation"]
    csv = frame(client.get(V + "/figures.csv" + q_))
    assert body["count"] == len(body["rows"]) == len(csv) and body["fields"] == list(csv.columns)
    row = body["rows"][0]
    assert isinstance(row["period_start"], int) and isinstance(row["raw_row"], int)
    assert isinstance(row["preferred"], bool) and isinstance(row["suppressed"], bool)
    assert all(r_["value"] is None or isinstance(r_["value"], (int, float)) for r_ in body["rows"])
    sup = [r_ for r_ in body["rows"] if r_["suppressed"]]
    assert all(r_["value"] is None for r_ in sup)  # '<5' stays withheld: never a number, never 0


def test_equivalent_queries_share_an_etag(client):
    a = client.get(V + "/figures.csv?country=LV,EE")
    b = client.get(V + "/figures.csv?country=EE,LV&preferred=true")
    c = client.get(V + "/figures.csv?country=EE")
    assert a.headers["etag"] == b.headers["etag"] != c.headers["etag"]
    assert client.get(V + "/figures.json?country=EE").headers["etag"] != c.headers["etag"]


@pytest.mark.parametrize(
    "path",
    [
        "/figures.csv?country=EE",
        "/figures.json",
        "/sources.csv",
        "/thb_baltic.csv",
        "/codebook/indicators.csv",
        "/datapackage.json",
        "/dataset.zip",
        "",
        "/view/compare.csv?ind=victims&bd=sex",
        "/view/trends.json?view=chain",
    ],
)
def test_if_none_match_gives_304(client, path):
    r = client.get(V + path)
    assert r.status_code == 200
    tag = r.headers["etag"]
    for inm in (tag, f"W/{tag}", f'"nope", {tag}', "*"):
        r2 = client.get(V + path, headers={"If-None-Match": inm})
        assert r2.status_code == 304 and r2.content == b""
        assert r2.headers["etag"] == tag and r2.headers["x-dataset-version"] == "synthetic-0.0.1"
        assert (
            r2.headers["access-control-allow-origin"] == "*"
            and r2.headers["cache-control"] == r.headers["cache-control"]
        )
    assert client.get(V + path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_cors_reads_from_any_origin_and_nothing_writes(client):
    r = client.get(V + "/figures.csv", headers={"Origin": "https://newsroom.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert (
        "ETag" in r.headers["access-control-expose-headers"]
        and "X-Dataset-Version" in r.headers["access-control-expose-headers"]
    )
    pre = client.options(
        V + "/figures.csv", headers={"Origin": "https://x.example", "Access-Control-Request-Method": "GET"}
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"
    assert pre.headers["access-control-allow-origin"] == "*"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("/figures.csv", "/view/compare.csv", "/codebook/flags.csv", "/datapackage.json", ""):
            r = client.request(method, V + path, content=b"x=1")
            e = error(r, 405)
            assert r.headers["allow"] == "GET, HEAD, OPTIONS" and "only reads" in e["message"]
    head = client.head(V + "/sources.csv")
    assert head.status_code == 200 and head.headers["etag"]


# ------------------------------------------------------------------------------------ views


def page_rows(sds, opts, page, query):
    """What the page's CSV holds for this link: the pages' own query functions, called directly."""
    view, notices = ViewState.from_query(query, opts, page)
    assert not notices
    t, cb = sds.table, sds.codebook
    years = view.years or (opts.year_min, opts.year_max)
    if page == "compare":
        unit = q.unit_for(t, view.indicator, view.measure)
        period = resolve(view, opts).period
        bds = [b for b in q.breakdowns_available(t, view.indicator, period) if b in opts.breakdowns_for(view.indicator)]
        default = opts.breakdown_default(view.indicator)  # without a choice: the default if the period has it
        bd = view.breakdown if view.breakdown else (default if default in bds else "total")  # a choice is kept
        d = q.compare_data(
            t,
            cb,
            indicator=view.indicator,
            period=period,
            breakdown=bd,
            unit=unit,
            countries=list(view.countries),
            unconfirmed=view.unconfirmed,
        )
        return d[~d["status"].isin(["no_data", "not_given"])]
    if page == "trends" and view.chart == "chain":
        # the chain's rows, then one derived row per country: convictions per 100 registered victims
        chain = q.chain_data(
            t, cb, countries=list(view.countries), year_from=years[0], year_to=years[1], unconfirmed=view.unconfirmed
        )
        conv = q.conversion(t, cb, countries=list(view.countries), year_from=years[0], year_to=years[1])
        return pd.concat([chain, q.conversion_rows(conv)], ignore_index=True)
    if page == "trends":
        return q.trend_data(
            t,
            cb,
            indicator=view.indicator,
            unit=q.unit_for(t, view.indicator, view.measure),
            countries=list(view.countries),
            year_from=years[0],
            year_to=years[1],
            index_base=view.index_base,
            unconfirmed=view.unconfirmed,
        )
    if page == "overview":
        return q.trend_data(t, cb, indicator="victims", unit="persons", countries=list(view.countries))
    if page == "map":
        from components.draw.map_deck import drawable

        period, unit = resolve(view, opts).period, q.unit_for(t, view.indicator, view.measure)
        start, _, end = period.partition("-")
        # the map's CSV names what each state's value is (indicator, unit, period): a file stands alone
        return choropleth_data(
            drawable(t, cb, view.unconfirmed), indicator=view.indicator, period=period, unit=unit
        ).assign(
            indicator=view.indicator,
            unit=unit,
            breakdown="total",
            category="total",
            period_start=int(start),
            period_end=int(end or start),
        )
    raise AssertionError(page)


VIEW_CASES = [
    ("compare", {}),
    ("compare", {"ind": "victims", "per": "2022", "bd": "exploitation"}),
    ("compare", {"ind": "victims", "per": "2022", "bd": "exploitation", "unc": "1"}),
    ("compare", {"ind": "victims", "per": "2020", "bd": "sex", "m": "pm", "c": "EE,LT", "stack": "pct"}),
    ("compare", {"ind": "victims", "per": "2012-2016", "bd": "sex"}),  # no sex split then: kept, no rows
    ("compare", {"ind": "convicted", "per": "2019", "m": "pm"}),
    ("trends", {}),
    ("trends", {"c": "EE,LT", "ind": "convicted", "yr": "2014-2020", "base": "2015"}),
    ("trends", {"ind": "victims", "m": "pm"}),
    ("trends", {"view": "chain", "c": "LV", "yr": "2015-2022"}),
    ("overview", {}),
    ("overview", {"c": "LT"}),
    ("map", {}),
    ("map", {"ind": "victims", "per": "2021", "m": "pm", "sel": "LV", "flows": "1"}),
]


@pytest.mark.parametrize("page,query", VIEW_CASES)
def test_view_csv_holds_exactly_the_pages_rows(client, sds, opts, page, query):
    r = client.get(f"{V}/view/{page}.csv", params=query)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    want = page_rows(sds, opts, page, query)
    assert r.content == expected_csv(want, sds)
    got = frame(r)
    assert len(got) == len(want)
    for c in ("source_id", "source_publisher", "source_title", "source_url", "source_accessed"):
        assert c in got.columns
    if len(got):
        assert (got["source_publisher"] != "").all()
    j = client.get(f"{V}/view/{page}.json", params=query).json()
    assert j["count"] == len(got) and j["fields"] == list(got.columns) and j["dataset_version"] == "synthetic-0.0.1"
    assert j["page_link"].startswith("/" if page == "overview" else f"/{page}")


def test_view_headers_name_the_view_the_page_shows(client, opts):
    r = client.get(f"{V}/view/compare.csv?ind=victims&per=2012-2016&bd=sex")
    assert r.headers["x-view"] == "per=2012-2016&bd=sex"  # the choice is kept (the page says 'no data by sex')
    assert r.headers["link"] == '</compare?per=2012-2016&bd=sex>; rel="alternate"; type="text/html"'
    assert "compare" in r.headers["content-disposition"]
    d = client.get(f"{V}/view/compare.csv")
    assert d.headers["x-view"] == "" and d.headers["link"].startswith("</compare>")
    # the page's own extras are accepted and ignored, as the page does
    assert client.get(f"{V}/view/compare.csv?embed=true&v=1").status_code == 200


def test_table_views_data_check_present(client, sds, opts):
    r = client.get(f"{V}/view/data.csv?c=EE&fi=victims&pref=1")
    full = prov.figures_table(sds.table, sds.sources, sds.codebook)
    want = full[(full["country"] == "EE") & (full["indicator"] == "victims") & full["preferred"]]
    assert r.content == expected_csv(want, sds)
    fig = "EE~2020~2020~victims~total~total~persons"
    r = client.get(f"{V}/view/check.csv", params={"fig": fig})
    want = prov.figure_rows(sds.table, parse_figure_key(fig), sds.sources, prov.precedence_table(sds.data_dir))
    got = frame(r)
    assert len(got) == len(want) >= 1 and got["preferred"].iloc[0] == "True"
    assert set(got["country"]) == {"EE"} and set(got["period_start"]) == {"2020"}
    assert client.get(f"{V}/view/check.csv").status_code == 200  # the page's default figure
    from components.view import deck as dk

    deck = dk.load(dk.DEFAULT_DECK)
    for n in (1, len(deck.slides)):
        r = client.get(f"{V}/view/present.csv?slide={n}")
        assert r.status_code == 200
        v, _ = slide_view(deck.slides[n - 1], opts)
        rows = main_figure(sds, v, opts).rows
        if v.page == "compare":
            rows = rows[rows["status"] != "no_data"]
        assert r.content == expected_csv(rows, sds)


def test_view_rows_are_the_pages_csv_rows(sds, opts):
    """views.view_data + csv_rows: the page's CSV rows with source columns, for any page (what the API serves)."""
    v, _ = ViewState.from_query({"ind": "victims", "per": "2022", "bd": "exploitation"}, opts, "compare")
    rows = views.csv_rows(sds, views.view_data(sds, v, opts).table)
    assert ex.csv_bytes(rows) == expected_csv(
        page_rows(sds, opts, "compare", {"ind": "victims", "per": "2022", "bd": "exploitation"}), sds
    )


# ------------------------------------------------------------------------------------ bad requests

_MYDECK = _deck.encode(_deck.load(_deck.DEFAULT_DECK))
BAD = [
    # path, status, parameter named, a value that must be among the allowed ones (or None)
    ("/figures.csv?country=XX", 400, "country", "EE"),
    ("/figures.csv?country=EE,XX", 400, "country", "LV"),
    ("/figures.csv?country=", 400, "country", "EE"),
    ("/figures.csv?indicator=victim", 400, "indicator", "victims"),
    ("/figures.csv?breakdown=gender", 400, "breakdown", "sex"),
    ("/figures.csv?category=woman", 400, "category", "female"),
    ("/figures.csv?unit=people", 400, "unit", "persons"),
    ("/figures.csv?from=15", 400, "from", None),
    ("/figures.csv?to=3000", 400, "to", None),
    ("/figures.csv?from=2020&to=2015", 400, "from", None),
    ("/figures.csv?preferred=maybe", 400, "preferred", "all"),
    ("/figures.csv?grade=gold", 400, "grade", None),
    ("/figures.json?colour=red", 400, "colour", "country"),
    ("/figures.csv?country=EE&country=LV", 400, "country", None),
    ("/sources.csv?x=1", 400, "x", None),
    ("/datapackage.json?download=1", 400, "download", None),
    ("/view/compare.csv?ind=nope", 400, "ind", "victims"),
    ("/view/compare.csv?ind=victims&per=1999", 400, "per", "2022"),
    ("/view/compare.csv?ind=suspects&bd=sex", 400, "bd", "total"),
    ("/view/compare.csv?m=ratio", 400, "m", "pm"),
    ("/view/compare.csv?stack=tower", 400, "stack", "pct"),
    ("/view/compare.csv?c=EE,XX", 400, "c", "EE"),
    ("/view/compare.csv?yr=2015-2020", 400, "yr", "per"),  # a Trends parameter on Compare
    ("/view/trends.csv?yr=2020-2015", 400, "yr", None),
    ("/view/trends.csv?yr=2015-2020&base=2010", 400, "base", None),
    ("/view/trends.csv?view=pie", 400, "view", "chain"),
    ("/view/map.csv?sel=PL", 400, "sel", "LV"),
    ("/view/map.csv?flows=yes", 400, "flows", "1"),
    ("/view/data.csv?src=NOPE", 400, "src", "SYN_UNODC"),
    ("/view/data.csv?pref=2", 400, "pref", "1"),
    ("/view/check.csv?fig=EE~1900~1900~x~y~z~w", 400, "fig", None),
    ("/view/present.csv?deck=no-such-deck", 400, "deck", "baltic-overview"),
    ("/view/present.csv?slide=99", 400, "slide", None),
    ("/view/present.csv?slide=0", 400, "slide", None),
    ("/view/present.csv?deck=../../etc", 400, "deck", None),
    ("/view/present.csv?mydeck=" + _MYDECK, 400, "mydeck", None),  # an own deck: its slides are page views
    ("/view/present.csv?mydeck=1.garbage", 400, "mydeck", None),
    ("/view/methodology.csv", 404, "page", "compare.csv"),
    ("/view/compare.xlsx", 404, "page", "compare.json"),
    ("/view/compare", 404, "page", None),
]


@pytest.mark.parametrize("path,status,param,allowed_example", BAD)
def test_bad_requests_name_the_parameter_and_allowed_values(client, path, status, param, allowed_example):
    e = error(client.get(V + path), status)
    assert e["status"] == status and e["parameter"] == param and e["message"]
    if allowed_example is not None:
        allowed = e["allowed"]
        assert allowed_example in (allowed if isinstance(allowed, list) else [allowed]) or allowed_example in str(
            allowed
        )


def test_huge_repeated_and_malformed_queries_are_refused(client):
    e = error(client.get(V + "/figures.csv?country=" + "EE," * 1500), 414)
    assert "too long" in e["message"]
    e = error(client.get(V + "/figures.csv?" + "&".join(f"p{i}=1" for i in range(40))), 400)
    assert "Too many" in e["message"]
    error(client.get(V + "/figures.csv?=EE"), 400)
    e = error(client.get(V + "/figures.csv?country=%ff%fe"), 400)
    assert "UTF-8" in e["message"]
    e = error(client.get(V + "/view/compare.csv?ind=victims&ind=suspects"), 400)
    assert e["parameter"] == "ind" and "more than once" in e["message"]


def test_an_echoed_value_is_short_and_inert(client):
    r = client.get(V + "/figures.csv", params={"country": "<script>alert(1)</script>" + "x" * 500})
    e = error(r, 400)
    assert len(e["value"]) <= api.MAX_VALUE_ECHO + 1
    assert r.headers["x-content-type-options"] == "nosniff"  # JSON, never sniffed as HTML


@pytest.mark.parametrize(
    "path",
    [
        "/api",
        "/api/",
        "/api/v2/figures.csv",
        "/api/v1/figure.csv",
        "/api/v1/figures.xml",
        "/api/v1/codebook",
        "/api/v1/view/",
        "/api/anything/else?x=1",
    ],
)
def test_unknown_api_paths_are_json_404s(client, path):
    e = error(client.get(path), 404)
    assert any("/api/v1/" in a for a in e["allowed"]) or e.get("parameter")


TRAVERSAL = [
    "..%2f..%2fsources.csv",
    "%2e%2e/sources.csv",
    "%2e%2e%2fsources.csv",
    "..%5c..%5csources.csv",
    "..\\..\\sources.csv",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "C:%5cwindows%5cwin.ini",
    "indicators.csv/../../x",
    "indicators.csv%00.csv",
    "..%252f..%252fsources.csv",
    "../mapping/precedence.csv",
    "../harmonised/build_meta.json",
    "INDICATORS.CSV",
    "indicators",
    "indicators.csv.bak",
    "%2e%2e%2f%2e%2e%2fserver.py",
]


@pytest.mark.parametrize("name", TRAVERSAL)
def test_no_request_reaches_a_file_outside_the_allow_list(client, name):
    r = client.get(V + "/codebook/" + name)
    e = error(r, 404)  # the codebook's own 404 (naming the tables) or, for a path the client resolved, the API's
    assert e["allowed"] == [
        f"{t}.csv" for t in api.CODEBOOK_TABLES if (FIXTURE / "codebook" / f"{t}.csv").exists()
    ] or e["allowed"][0].startswith("/api/v1/")
    assert b"source_id" not in r.content and b"root:" not in r.content and b"import" not in r.content


def test_codebook_tables_are_the_files_as_published(client):
    for t in ("indicators", "categories", "countries", "country_definitions", "units"):
        r = client.get(f"{V}/codebook/{t}.csv")
        assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
        want = pd.read_csv(FIXTURE / "codebook" / f"{t}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(frame(r), want)
    s = client.get(f"{V}/sources.csv")
    assert list(frame(s)["source_id"]) == list(pd.read_csv(FIXTURE / "sources.csv", dtype=str)["source_id"])


# ------------------------------------------------------------------------------------ data changes


def _copy_fixture(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(FIXTURE, d)
    return d


def test_grade_filter_when_the_column_exists(tmp_path, monkeypatch):
    d = _copy_fixture(tmp_path)
    p = d / "harmonised" / "thb_baltic.csv"
    t = pd.read_csv(p, dtype=str, keep_default_na=False)
    t["grade"] = ["official_statistics" if s.startswith("SYN_UNODC") else "national_official" for s in t["source_id"]]
    t.to_csv(p, index=False)
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    c = TestClient(Starlette(routes=api.ROUTES))
    r = c.get(V + "/figures.csv?grade=official_statistics&preferred=all")
    assert r.status_code == 200
    got = frame(r)
    assert len(got) == int((t["grade"] == "official_statistics").sum()) and set(got["grade"]) == {"official_statistics"}
    e = error(c.get(V + "/figures.csv?grade=gold"), 400)
    assert e["parameter"] == "grade" and e["allowed"] == ["national_official", "official_statistics"]
    fields = [f["name"] for f in c.get(V + "/datapackage.json").json()["resources"][0]["schema"]["fields"]]
    assert fields == list(t.columns)  # the descriptor follows the table's new column
    assert c.get(V + "/figures.json?grade=national_official").json()["rows"][0]["grade"] == "national_official"


def test_csv_injection_rule_applies(tmp_path, monkeypatch):
    d = _copy_fixture(tmp_path)
    p = d / "harmonised" / "thb_baltic.csv"
    t = pd.read_csv(p, dtype=str, keep_default_na=False)
    t.loc[0, "note"] = '=HYPERLINK("http://evil.example")'
    t.loc[0, "preferred"] = "True"
    t.to_csv(p, index=False)
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    c = TestClient(Starlette(routes=api.ROUTES))
    for path in ("/figures.csv?preferred=all", "/thb_baltic.csv"):
        notes = frame(c.get(V + path))["note"]
        assert '\'=HYPERLINK("http://evil.example")' in set(notes)
        assert not notes.str.startswith(("=", "+", "-", "@")).any()


def test_a_new_build_changes_version_and_etag(tmp_path, monkeypatch):
    d = _copy_fixture(tmp_path)
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    c = TestClient(Starlette(routes=api.ROUTES))
    before = c.get(V + "/figures.csv")
    meta = json.loads((d / "harmonised" / "build_meta.json").read_text())
    meta["dataset_version"] = "synthetic-0.0.2"
    (d / "harmonised" / "build_meta.json").write_text(json.dumps(meta))
    after = c.get(V + "/figures.csv", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["x-dataset-version"] == "synthetic-0.0.2"
    assert after.headers["etag"] != before.headers["etag"]


def test_missing_dataset_is_a_clear_503(tmp_path, monkeypatch):
    monkeypatch.setenv("THB_DATA_DIR", str(tmp_path))
    c = TestClient(Starlette(routes=api.ROUTES))
    e = error(c.get(V + "/figures.csv"), 503)
    assert "could not be loaded" in e["message"] and str(tmp_path) not in e["message"]


def test_dataset_zip_endpoint(client):
    r = client.get(V + "/dataset.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert {"thb_baltic.csv", "sources.csv", "README.txt", "datapackage.json"} <= set(z.namelist())
    assert json.loads(z.read("datapackage.json")) == client.get(V + "/datapackage.json").json()
    assert z.read("thb_baltic.csv") == client.get(V + "/thb_baltic.csv").content


def test_a_strange_version_stays_out_of_the_headers(tmp_path, monkeypatch):
    d = _copy_fixture(tmp_path)
    meta = json.loads((d / "harmonised" / "build_meta.json").read_text())
    meta["dataset_version"] = 'v1"\r\nSet-Cookie: x=1'
    (d / "harmonised" / "build_meta.json").write_text(json.dumps(meta))
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    r = TestClient(Starlette(routes=api.ROUTES)).get(V + "/figures.csv")
    assert r.status_code == 200 and "set-cookie" not in r.headers
    assert r.headers["x-dataset-version"] == "v1---Set-Cookie--x-1"


def test_caches_are_bounded():
    lru = api.LRU(3, max_bytes=10)
    for i in range(10):
        lru.get(i, lambda: b"xxxx")
    assert len(lru._cache) == 2 and lru._cache.currsize <= 10  # 3 entries would hold 12 bytes
    assert lru.get(9, lambda: b"not made again") == b"xxxx"  # the most recent is kept
    assert lru.get("big", lambda: b"x" * 50) == b"x" * 50 and "big" not in lru._cache  # larger than the bound
    few = api.LRU(3, max_bytes=300)  # small values: the entry bound holds
    for i in range(10):
        few.get(i, lambda: b"x")
    assert len(few._cache) == 3 and 9 in few._cache and 0 not in few._cache
    assert len(api._BODIES._cache) <= 128 and api._BODIES._cache.maxsize == 64 << 20


# ------------------------------------------------------------------------------------ faults (issue 27)


def test_a_truncated_table_is_a_503_not_fewer_rows(tmp_path, monkeypatch, caplog):
    """`head -n 500` of the table was served as 499 rows under the unchanged X-Dataset-Version."""
    d = _copy_fixture(tmp_path)
    p = d / "harmonised" / "thb_baltic.csv"
    p.write_text("".join(p.read_text().splitlines(keepends=True)[:500]))
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    c = TestClient(Starlette(routes=api.ROUTES))
    with caplog.at_level("WARNING", logger="components.serve.api"):
        for path in ("/figures.csv", "/figures.json?country=EE", "/view/compare.csv", "/thb_baltic.csv", ""):
            e = error(c.get(V + path), 503)
            assert "499 rows" in e["message"] and "1,028" in e["message"], e
            assert str(tmp_path) not in e["message"] and "harmonised/thb_baltic.csv" in e["message"]
    assert c.get(V + "/figures.csv").headers["retry-after"]
    lines = [r for r in caplog.records if r.name == "components.serve.api"]
    assert len(lines) == 1 and not lines[0].exc_info, [r.getMessage() for r in lines]  # one line, no traceback


@pytest.mark.parametrize("how", ["folder", "permission"])
def test_an_unreadable_table_is_a_503_without_a_path_or_traceback(tmp_path, monkeypatch, caplog, how):
    """It was a 500 "Internal error" with a traceback in the log (docs/api.md promises 503)."""
    import errno

    from components.core import dataset

    d = _copy_fixture(tmp_path)
    p = d / "harmonised" / "thb_baltic.csv"
    if how == "folder":
        p.unlink()
        p.mkdir()
    else:

        def denied(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(dataset, "file_digest", denied)
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    c = TestClient(Starlette(routes=api.ROUTES))
    with caplog.at_level("WARNING"):
        e = error(c.get(V + "/figures.csv"), 503)
    assert "cannot read the file" in e["message"] and str(tmp_path) not in e["message"], e
    assert not any(r.exc_info for r in caplog.records)


def test_an_unreadable_codebook_file_is_a_503(tmp_path, monkeypatch, caplog):
    """A side file that cannot be read while answering (permissions changed after the start): 503, not 500."""
    import errno

    d = _copy_fixture(tmp_path)
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    monkeypatch.setattr(api, "_BODIES", api.LRU(8))  # no answer kept from an earlier test: read the file now
    c = TestClient(Starlette(routes=api.ROUTES))
    assert c.get(V + "/codebook/units.csv").status_code == 200
    real_read = pd.read_csv

    def read(path, *a, **k):
        if str(path).endswith("indicators.csv"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_read(path, *a, **k)

    monkeypatch.setattr(api.pd, "read_csv", read)
    with caplog.at_level("WARNING"):
        e = error(c.get(V + "/codebook/indicators.csv"), 503)
    assert "cannot be read" in e["message"] and str(tmp_path) not in e["message"]
    assert not any(r.exc_info for r in caplog.records)


async def _raw(app, method: str, path: str, raw: bytes | None = None):
    """One request straight into the ASGI app, the path exactly as the server decoded it."""
    out = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(m):
        out.append(m)

    await app(
        {
            "type": "http",
            "method": method,
            "path": path,
            "raw_path": raw or path.encode(),
            "query_string": b"",
            "headers": [],
            "scheme": "http",
            "server": ("t", 80),
            "client": ("c", 1),
            "root_path": "",
            "http_version": "1.1",
            "asgi": {"version": "3.0"},
        },
        receive,
        send,
    )
    return out[0]["status"], dict(out[0]["headers"]), b"".join(m.get("body", b"") for m in out[1:])


@pytest.mark.parametrize(
    "method,path,status",
    [
        ("GET", "/api/v1/../x", 400),
        ("GET", "/api/v1/codebook/../sources.csv", 400),
        ("GET", "/api/v1/a\x00b", 400),
        ("GET", "/api/v1/view/a\\b.csv", 400),
        ("GET", "//api/v1/", 400),
        ("GET", "/api//v1", 400),
        ("TRACE", "/api/v1/figures.csv", 405),
        ("PROPFIND", "/api/v1/", 405),
        ("FOO", "/api", 405),
    ],
)
@pytest.mark.parametrize("mounted", [api, api_mount], ids=["api", "as the server mounts it"])
def test_what_streamlit_would_answer_in_plain_text_gets_the_apis_json(method, path, status, mounted):
    """Streamlit's path-security layer answered '..', '%2e%2e' and '%00' under /api/v1/ with a plain-text 400
    and Starlette unknown methods with a plain-text 405 (or a redirect): ApiGuard, ahead of both, answers
    in the API's JSON error format. The server decodes %2e%2e and %00 before any middleware sees the path.
    The same through the server's mount (components/serve/api_mount.py), which loads the API on first use."""
    from starlette.middleware import Middleware

    app = Starlette(routes=mounted.ROUTES, middleware=[Middleware(mounted.ApiGuard)])
    got, headers, body = asyncio.run(_raw(app, method, path))
    assert got == status and headers[b"content-type"] == b"application/json", (got, headers, body)
    err = json.loads(body)["error"]
    assert err["status"] == status and ("/api/v1/" in err["message"] or "only reads" in err["message"])
    if status == 405:
        assert headers[b"allow"] == b"GET, HEAD, OPTIONS"
    ok = asyncio.run(_raw(app, "GET", "/api/v1/sources.csv"))
    assert ok[0] in (200, 503)  # a good path passes the guard


def test_one_parameter_rule_for_figures_and_views(client):
    """Codes in any case and digits of any script, as the pages' links (and the view API) take them: the
    figures endpoint refused country=ee while the view endpoint took c=ee."""
    upper, lower = (
        client.get(V + "/figures.csv?country=EE&indicator=victims"),
        client.get(V + "/figures.csv?country=ee&indicator=VICTIMS"),
    )
    assert (
        lower.status_code == 200 and lower.content == upper.content and lower.headers["etag"] == upper.headers["etag"]
    )
    assert client.get(V + "/figures.json?country=ee").json()["query"]["country"] == "EE"  # the canonical code
    view_lower = client.get(V + "/view/trends.csv?c=ee,lt")
    assert view_lower.status_code == 200 and view_lower.headers["x-view"].startswith("c=EE,LT")
    full = "\uff12\uff10\uff12\uff10"  # fullwidth 2020
    a, b = client.get(V + "/figures.csv?from=2020"), client.get(V + f"/figures.csv?from={full}")
    assert b.status_code == 200 and a.content == b.content
    assert client.get(V + f"/view/trends.csv?yr={full}-\uff12\uff10\uff12\uff12").status_code == 200
    e = error(client.get(V + "/figures.csv?from=%C2%B2020"), 400)  # '²020': a digit to isdigit(), not a year
    assert e["parameter"] == "from"
    assert error(client.get(V + "/figures.csv?country=XX"), 400)["parameter"] == "country"


def test_the_server_mounts_the_api_without_importing_it_at_start(client):
    """server.py imports no pandas, Altair or API module (uvicorn imports it inside its event loop, so every
    import there delayed the first page's HTML by about 1 s); the mounted routes then answer exactly as the
    API's own, every method included."""
    import subprocess
    import sys

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, streamlit, server; print(*[m for m in ('pandas', 'altair', 'components.serve.api', "
            "'components.store') if m in sys.modules])",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert loaded == []
    with TestClient(Starlette(routes=api_mount.ROUTES)) as mounted:
        for method, path in [
            ("GET", V + "/figures.csv?country=EE"),
            ("GET", V + "/view/compare.json?ind=victims"),
            ("HEAD", V + "/sources.csv"),
            ("OPTIONS", V + "/"),
            ("GET", V + "/nothing-here"),
            ("GET", "/api"),
        ]:
            a, b = client.request(method, path), mounted.request(method, path)
            assert (a.status_code, a.content, a.headers.get("etag")) == (
                b.status_code,
                b.content,
                b.headers.get("etag"),
            )
