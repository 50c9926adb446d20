"""The data API on the real server: `streamlit run server.py` (as `make run` does) on a free port, real data.

The first request the fresh server gets is a chart's CSV by URL (a script fetching a chart's rows from
a fresh clone's `make run`). Then every endpoint: status, content type, headers (dataset version, ETag,
304, CORS), rows equal to the pages' query functions called directly, bad requests, 404s under /api/
(Streamlit itself would answer an unknown path with its index page and 200), path traversal with raw
paths, and writes refused. With Chromium, the CSV a reader downloads under the Compare and Trends
charts (lines and justice chain) is byte for byte the API's CSV for the same link.
"""

from __future__ import annotations

import http.client
import io
import json
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

from components.builders import page_rows as views
from components.core.dataset import assemble_dataset
from etl.paths import REPO_ROOT
from tests.components.test_api import VIEW_CASES, expected_csv, page_rows
from tests.e2e.conftest import CHROMIUM, new_offline_page, run_server

V = "/api/v1"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"
FIRST = "/view/compare.csv?ind=victims&per=2022&bd=exploitation"
FIRST_ANSWER: dict = {}


@pytest.fixture(scope="module")
def base():
    with run_server("e2e-api-server.log", script="server.py") as url:
        FIRST_ANSWER["r"] = get(url + V + FIRST)  # the fresh server's very first request
        yield url


@pytest.fixture(scope="module")
def real():
    ds = assemble_dataset(REPO_ROOT / "data")
    return ds, views.options_for(ds)


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, {k.lower(): v for k, v in headers.items()}, body

    def json(self):
        return json.loads(self.body)


def get(url: str, method: str = "GET", headers: dict | None = None) -> Answer:
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return Answer(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Answer(e.code, e.headers, e.read())


def raw_get(base_url: str, path: str) -> Answer:
    """A request with the path sent exactly as written (no client-side normalisation of '..')."""
    u = urlsplit(base_url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.putrequest("GET", path, skip_accept_encoding=True)
    c.endheaders()
    r = c.getresponse()
    a = Answer(r.status, dict(r.getheaders()), r.read())
    c.close()
    return a


def csv_frame(body: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_a_fresh_server_answers_a_charts_csv_first(base, real):
    r = FIRST_ANSWER["r"]
    assert r.status == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    ds, opts = real
    want = page_rows(ds, opts, "compare", {"ind": "victims", "per": "2022", "bd": "exploitation"})
    assert r.body == expected_csv(want, ds) and len(want) > 0
    assert r.headers["x-dataset-version"] == ds.meta["dataset_version"]
    assert get(base + "/_stcore/health").body == b"ok"  # the app is still served beside it


ENDPOINTS = [
    ("", "application/json"),
    ("/figures.csv", "text/csv; charset=utf-8"),
    ("/figures.csv?country=EE,LT&indicator=victims&from=2015&to=2020", "text/csv; charset=utf-8"),
    ("/figures.json?country=LV&indicator=convicted&preferred=all", "application/json"),
    ("/sources.csv", "text/csv; charset=utf-8"),
    ("/thb_baltic.csv", "text/csv; charset=utf-8"),
    ("/datapackage.json", "application/json"),
    ("/dataset.zip", "application/zip"),
    *[
        (f"/codebook/{t}.csv", "text/csv; charset=utf-8")
        for t in ("indicators", "categories", "countries", "units", "flags", "country_definitions")
    ],
    *[
        (f"/view/{p}.{f}", "text/csv; charset=utf-8" if f == "csv" else "application/json")
        for p in views.VIEW_PAGES
        for f in ("csv", "json")
    ],
]


@pytest.mark.parametrize("path,ctype", ENDPOINTS)
def test_every_endpoint(base, real, path, ctype):
    ds, _ = real
    r = get(base + V + path)
    assert r.status == 200, r.body[:300]
    assert r.headers["content-type"] == ctype
    assert r.headers["x-dataset-version"] == ds.meta["dataset_version"]
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["cache-control"].startswith("public") and r.headers["etag"].startswith('"')
    if ctype == "application/json":
        body = r.json()
        assert body.get("dataset_version", body.get("version")) == ds.meta["dataset_version"]
    r304 = get(base + V + path, headers={"If-None-Match": r.headers["etag"]})
    assert r304.status == 304 and r304.body == b"" and r304.headers["etag"] == r.headers["etag"]
    head = get(base + V + path, method="HEAD")
    assert head.status == 200 and head.body == b"" and head.headers["etag"] == r.headers["etag"]


@pytest.mark.parametrize("page,query", VIEW_CASES)
def test_view_rows_equal_the_pages_query_functions(base, real, page, query):
    ds, opts = real
    from urllib.parse import urlencode

    # the real data has other periods than the synthetic fixture: keep the view valid for it
    if query.get("per") and query["per"] not in opts.periods_for(query.get("ind", opts.indicator_default())):
        query = {k: v for k, v in query.items() if k not in ("per", "bd")}
    r = get(f"{base}{V}/view/{page}.csv?{urlencode(query, safe=',')}")
    assert r.status == 200, r.body[:300]
    want = page_rows(ds, opts, page, query)
    assert r.body == expected_csv(want, ds)


def test_figures_are_the_preferred_rows_as_built(base, real):
    ds, _ = real
    got = csv_frame(get(base + V + "/figures.csv").body)
    built = pd.read_csv(REPO_ROOT / "data" / "harmonised" / "thb_baltic.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got, built[built["preferred"] == "True"].reset_index(drop=True))
    z = zipfile.ZipFile(io.BytesIO(get(base + V + "/dataset.zip").body))
    assert json.loads(z.read("datapackage.json")) == get(base + V + "/datapackage.json").json()


def test_cors_preflight_and_writes_refused(base):
    pre = get(
        base + V + "/figures.csv",
        method="OPTIONS",
        headers={"Origin": "https://newsroom.example", "Access-Control-Request-Method": "GET"},
    )
    assert pre.status == 204 and pre.headers["access-control-allow-origin"] == "*"
    assert pre.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = get(base + V + "/figures.csv", method=method)
        assert r.status == 405 and r.headers["allow"] == "GET, HEAD, OPTIONS"
        assert r.json()["error"]["status"] == 405


@pytest.mark.parametrize(
    "path,status,param",
    [
        ("/figures.csv?country=XX", 400, "country"),
        ("/figures.csv?grade=official_statistics", None, "grade"),  # 400 until the table has the column
        ("/figures.csv?country=EE&country=LV", 400, "country"),
        ("/view/compare.csv?ind=victims&per=1890", 400, "per"),
        ("/view/trends.csv?view=pie", 400, "view"),
        ("/view/nope.csv", 404, "page"),
    ],
)
def test_bad_requests_on_the_server(base, path, status, param):
    r = get(base + V + path)
    if status is None:  # the grade filter: accepted once the build writes the column, a 400 naming it before
        status = (
            200
            if "grade" in pd.read_csv(REPO_ROOT / "data" / "harmonised" / "thb_baltic.csv", nrows=0).columns
            else 400
        )
        if status == 200:
            pytest.skip("the table has a grade column: covered by the unit tests")
    assert r.status == status and r.headers["content-type"] == "application/json"
    assert r.json()["error"]["parameter"] == param
    long = get(base + V + "/figures.csv?country=" + "EE," * 1500)
    assert long.status == 414


@pytest.mark.parametrize(
    "path", ["/api", "/api/", "/api/v2/figures.csv", "/api/v1/nope", "/api/v1/view/", "/api/v1/codebook/nope.csv"]
)
def test_unknown_api_paths_are_404_json_not_the_app(base, path):
    r = get(base + path)
    assert r.status == 404 and r.headers["content-type"] == "application/json"
    assert b"<html" not in r.body.lower()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/codebook/../../sources.csv",
        "/api/v1/codebook/..%2f..%2fsources.csv",
        "/api/v1/codebook/%2e%2e/sources.csv",
        "/api/v1/codebook/%2e%2e%2f%2e%2e%2fsources.csv",
        "/api/v1/codebook/..%5c..%5csources.csv",
        "/api/v1/codebook/..\\..\\sources.csv",
        "/api/v1/codebook//etc/passwd",
        "/api/v1/codebook/%2fetc%2fpasswd",
        "/api/v1/../../etc/passwd",
        "/api/v1/view/../../server.py",
        "/api/v1/codebook/C:%5cwindows%5cwin.ini",
        "/api/v1/codebook/indicators.csv%00",
        "/api/v1/codebook/..%252f..%252fsources.csv",
    ],
)
def test_traversal_never_reaches_a_file(base, path):
    r = raw_get(base, path)
    assert r.status in (400, 404), (path, r.status)
    for secret in (b"root:", b"source_id,", b"import streamlit", b"[extensions]"):
        assert secret not in r.body, path


# ------------------------------------------------------------------------------------ browser

# the pages whose widgets add fallbacks to the codec (a breakdown the year lacks, years, base year, the
# chain); Overview and Map rows are the query functions' rows, checked above (the map's software WebGL
# costs a minute here)
BROWSER_VIEWS = [
    ("compare", "/compare?ind=victims&per=2012-2016&bd=sex", CHART),
    ("trends", "/trends?c=EE,LT&ind=convicted&yr=2014-2020&base=2015", CHART),
    ("trends", "/trends?view=chain&c=LV", CHART),
]


@pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (apt-get install chromium)")
@pytest.mark.parametrize("page_name,link,drawn", BROWSER_VIEWS)
def test_the_pages_csv_download_is_the_apis_csv(base, chromium_browser, page_name, link, drawn):
    """What a reader downloads under the chart is exactly what a script gets from the API for the same link."""
    path, _, query = link.partition("?")
    api = get(f"{base}{V}/view/{page_name}.csv" + (f"?{query}" if query else ""))
    assert api.status == 200
    page = new_offline_page(chromium_browser, base)
    try:
        page.goto(base + link)
        page.wait_for_selector(READY, timeout=120_000)
        page.locator(drawn).first.wait_for(state="visible", timeout=90_000)
        button = page.get_by_test_id("stDownloadButton").filter(has_text="CSV").first
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=60_000) as dl:
            button.click()
        body = Path(dl.value.path()).read_bytes()
        assert page.blocked == [], page.blocked
    finally:
        page.context.close()
    assert body == api.body, (len(body), len(api.body))
