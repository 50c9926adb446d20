"""Chart images by URL, their sidecar and oEmbed (components/serve/api.py, components/draw/embed.py) under
Starlette's TestClient, on the synthetic fixture (invented numbers): the bytes are the page's download for the
same view and language, bad views are 400s, ETag/304, the headers a proxy caches on, the JSON shapes."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import unquote

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from components import store
from components.builders import build
from components.core import i18n
from components.core.dataset import assemble_dataset
from components.draw import embed, files as ex
from components.serve import api
from components.view.state import decode, resolve

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
def sds():
    return assemble_dataset(FIXTURE)


def page_download(sds, page: str, query: dict, lang: str, fmt: str) -> tuple[bytes, object]:
    """What the page's download button gives for this view: its Figure built afresh (not from the store), its
    file made by the same function the button calls (components/ui/share.py export_panel)."""
    from components.builders.page_rows import options_for

    opts = options_for(sds)
    with i18n.using(lang):
        fig = build(sds, resolve(decode(query, opts, page).view, opts), opts).main
        return ex.figure_image(fig, fmt, sds.meta, sds.sources), fig


@pytest.mark.parametrize(
    "page,query,lang,fmt",
    [
        ("compare", {"ind": "victims", "bd": "exploitation"}, "et", "png"),
        ("trends", {}, "lv", "svg"),
        ("map", {}, "ru", "svg"),
        ("overview", {}, "en", "svg"),
    ],
)
def test_the_image_is_the_pages_download(client, sds, page, query, lang, fmt):
    r = client.get(f"{V}/view/{page}.{fmt}", params={**query, "lang": lang})
    assert r.status_code == 200, r.text[:300]
    want, fig = page_download(sds, page, query, lang, fmt)
    assert r.content == want
    assert r.headers["content-type"].startswith(ex.IMAGE_MEDIA[fmt])
    with i18n.using(lang):
        assert unquote(r.headers["x-alt-text"]) == embed.alt_text(fig)
    assert embed.alt_text(fig) and "table below the" not in embed.alt_text(fig)
    assert r.headers["x-alt-text"].isascii()
    assert r.headers["cache-control"] == api.IMAGE_CACHE_CONTROL
    assert "X-Alt-Text" in r.headers["access-control-expose-headers"]
    assert f'filename="{ex.figure_file_name(fig, fmt)}"' in r.headers["content-disposition"]


def test_pdf_is_a_pdf(client):
    r = client.get(f"{V}/view/compare.pdf")
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"


def test_etag_304_and_a_new_etag_per_language(client):
    r = client.get(f"{V}/view/trends.svg?lang=lt")
    etag = r.headers["etag"]
    again = client.get(f"{V}/view/trends.svg?lang=lt", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    assert again.headers["etag"] == etag and again.headers["cache-control"] == api.IMAGE_CACHE_CONTROL
    assert client.get(f"{V}/view/trends.svg").headers["etag"] != etag  # English is another file
    # equivalent spellings of one view share the ETag (one entry in a proxy's cache per answer)
    a = client.get(f"{V}/view/compare.svg?c=ee,lv&lang=et").headers["etag"]
    b = client.get(f"{V}/view/compare.svg?lang=ET&c=LV,EE").headers["etag"]
    assert a == b


@pytest.mark.parametrize(
    "path,status,param",
    [
        ("/view/compare.png?ind=nonsense", 400, "ind"),
        ("/view/compare.png?lang=xx", 400, "lang"),
        ("/view/compare.svg?nope=1", 400, "nope"),
        ("/view/trends.png?yr=1800-1900", 400, "yr"),
        ("/view/data.png", 404, "page"),
        ("/view/check.embed.json", 404, "page"),
        ("/view/compare.gif", 404, "page"),
    ],
)
def test_bad_image_requests(client, path, status, param):
    r = client.get(V + path)
    assert r.status_code == status, r.text[:300]
    assert r.headers["cache-control"] == "no-store"
    assert r.json()["error"]["parameter"] == param


def test_concurrent_identical_requests_render_once(client, monkeypatch):
    calls = []
    real = ex.figure_image

    def counting(*a, **k):
        calls.append(a[1])
        return real(*a, **k)

    monkeypatch.setattr(ex, "figure_image", counting)
    store._FILES.clear()
    api._BODIES._cache.clear()
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(client.get(f"{V}/view/compare.svg?m=pm&lang=lv")))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [200] * 6
    assert len({r.content for r in results}) == 1
    assert calls == ["svg"]


def test_sidecar_says_what_to_say_beside_the_image(client, sds):
    r = client.get(f"{V}/view/compare.embed.json?c=EE,LT&lang=et")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    card = r.json()
    _, fig = page_download(sds, "compare", {"c": "EE,LT"}, "et", "svg")
    with i18n.using("et"):
        assert card["title"] == fig.title and card["alt_text"] == embed.alt_text(fig)
        assert i18n._("Interactive chart: {app}").split(":")[0] in card["html"]
    assert card["source_line"] == fig.source_line and card["lang"] == "et"
    assert {s["source_id"] for s in card["sources"]} == set(fig.source_ids)
    assert card["width"] > 300 and card["height"] > 200
    assert card["link"] == "http://testserver/compare?c=EE%2CLT&lang=et" or card["link"].endswith(
        "/compare?c=EE,LT&lang=et"
    )
    assert card["images"]["png"] == "http://testserver/api/v1/view/compare.png?c=EE,LT&lang=et"
    assert "embed=true" in card["iframe"]
    assert 'loading="lazy"' in card["html"] and f'width="{card["width"]}"' in card["html"]
    assert card["dataset_version"] == "synthetic-0.0.1"


def test_oembed_answers_a_chart_page_url(client):
    url = "http://testserver/trends?view=chain&lang=ru"
    r = client.get(f"{V}/oembed", params={"url": url, "maxwidth": "400", "format": "json"})
    assert r.status_code == 200, r.text[:300]
    j = r.json()
    assert j["version"] == "1.0" and j["type"] == "rich"
    assert {"title", "provider_name", "provider_url", "width", "height", "html", "cache_age"} <= set(j)
    assert j["width"] <= 400 and j["height"] > 0
    assert 'src="http://testserver/api/v1/view/trends.png?lang=ru&amp;view=chain"' in j["html"]
    assert 'href="http://testserver/trends?lang=ru&amp;view=chain"' in j["html"]
    assert j["provider_url"] == "http://testserver/"
    # the overview is the app's root
    assert client.get(f"{V}/oembed", params={"url": "http://testserver/"}).json()["type"] == "rich"


@pytest.mark.parametrize(
    "params,status",
    [
        ({"url": "https://example.org/compare"}, 404),  # a foreign host
        ({"url": "http://testserver/data"}, 404),  # not a chart page
        ({"url": "http://testserver/nowhere"}, 404),
        ({"url": "http://testserver/compare?ind=nonsense"}, 400),  # a bad view
        ({"url": "http://testserver/compare?lang=xx"}, 400),
        ({"url": "http://testserver/compare", "format": "xml"}, 501),
        ({"url": "http://testserver/compare", "maxwidth": "wide"}, 400),
        ({}, 400),
        ({"url": "http://testserver/compare", "callback": "x"}, 400),
    ],
)
def test_oembed_errors_are_json(client, params, status):
    r = client.get(f"{V}/oembed", params=params)
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("application/json") and "error" in r.json()


def test_paths_and_roots():
    assert embed.page_of_path("/") == "overview" and embed.page_of_path("") == "overview"
    assert embed.page_of_path("/compare") == "compare" and embed.page_of_path("/base/trends/") == "trends"
    assert embed.page_of_path("/nowhere") is None
    assert embed.app_root("https://x.org/base/compare?c=EE", "compare") == "https://x.org/base"
    assert embed.app_root("https://x.org/", "overview") == "https://x.org"
    links = embed.links("https://x.org", "overview", {}, "en")
    assert links.page == "https://x.org/" and links.png == "https://x.org/api/v1/view/overview.png"


def test_a_long_alt_text_header_is_cut_at_a_whole_character():
    out = api._alt_header("Диаграмма " * 200)
    assert out.isascii() and len(out) <= api.MAX_ALT_HEADER and out.endswith("%E2%80%A6")
    unquote(out, errors="strict")


def test_chart_pages_html_names_its_oembed_answer():
    """Discovery (components/serve/oembed_link.py): Streamlit's index page for a chart page gets the oEmbed
    <link> in its head and a Link header; other pages and the API pass untouched."""
    from starlette.middleware import Middleware
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from components.serve.oembed_link import OEmbedDiscovery

    index = "<!doctype html><html><head><title>x</title></head><body></body></html>"
    app = Starlette(
        routes=[Route("/{path:path}", lambda request: HTMLResponse(index))],
        middleware=[Middleware(OEmbedDiscovery)],
    )
    with TestClient(app) as c:
        r = c.get("/compare?c=EE,LV&lang=et")
        want = "http://testserver/api/v1/oembed?url=http%3A%2F%2Ftestserver%2Fcompare%3Fc%3DEE%2CLV%26lang%3Det"
        assert f'<link rel="alternate" type="application/json+oembed" href="{want}&amp;format=json"></head>' in r.text
        assert r.headers["link"] == f'<{want}&format=json>; rel="alternate"; type="application/json+oembed"'
        assert int(r.headers["content-length"]) == len(r.content)
        assert "oembed" in c.get("/").text
        for path in ("/data", "/compare/x", "/api/v1/view/compare.csv"):
            r = c.get(path)
            assert r.text == index and "link" not in r.headers


def test_a_compressed_page_names_its_oembed_answer_too():
    """A browser or a CMS asks for gzip (WordPress finds an embed by the page's <link> only): the compressed page
    is opened, given the link and compressed again."""
    from starlette.middleware import Middleware
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from components.serve.oembed_link import OEmbedDiscovery

    index = "<!doctype html><html><head><title>x</title></head><body>" + "<p>page</p>" * 200 + "</body></html>"
    app = Starlette(
        routes=[Route("/{path:path}", lambda request: HTMLResponse(index))],
        middleware=[Middleware(OEmbedDiscovery), Middleware(GZipMiddleware, minimum_size=100)],
    )
    with TestClient(app) as c:
        r = c.get("/trends", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip" and int(r.headers["content-length"]) < len(index)
        assert 'type="application/json+oembed"' in r.text and r.text.endswith("</body></html>")  # whole, edited
        assert "oembed" in r.headers["link"]
