"""oEmbed discovery (ASGI middleware in server.py): a chart page's HTML names its oEmbed answer, so a CMS given
the page's link finds the image embed by itself (https://oembed.com, section 4).

Streamlit serves one index page for every page of the app and offers no way to add to its `<head>`: this
middleware adds, to the index page answered for a chart page (`/`, `/compare`, `/trends`, `/map`, under the
server's base path), `<link rel="alternate" type="application/json+oembed" href=".../api/v1/oembed?url=<this
URL>&format=json">` before `</head>`, and the same as an HTTP `Link` header. A gzip-compressed answer (what
browsers and CMSs ask for; WordPress reads only the `<link>`) is opened, edited and compressed again; another
encoding gets the header only. Everything else passes untouched.
"""

from __future__ import annotations

import gzip
import html
from urllib.parse import quote

from components.core.pages import CHART_PAGES
from components.draw import embed

OEMBED_PATH = "/api/v1/oembed"
MAX_BODY = 1 << 20  # an index page is a few KB: anything bigger passes as it is


def base_url_path() -> str:
    try:
        from streamlit import config

        base = (config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:  # noqa: BLE001 - outside a Streamlit server: no base path
        base = ""
    return f"/{base}" if base else ""


def _header(scope: dict, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope.get("headers") or () if k.lower() == name), "")


def discovery_url(scope: dict, base: str) -> str | None:
    """The oEmbed URL for the page this request asks for, or None when it is not a chart page."""
    path = scope.get("path", "") or "/"
    rel = path[len(base) :] if base and path.startswith(base) else path
    if rel.strip("/").count("/") or embed.page_of_path(rel) not in CHART_PAGES:
        return None
    host = _header(scope, b"host")
    if not host:
        return None
    scheme = scope.get("scheme", "http")
    query = (scope.get("query_string") or b"").decode("latin-1")
    page_url = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
    return f"{scheme}://{host}{base}{OEMBED_PATH}?url={quote(page_url, safe='')}&format=json"


def _with_link(body: bytes, link_el: bytes, gzipped: bool) -> bytes:
    """The page with `link_el` before `</head>` (gzip-compressed again if it was); as it was if unreadable."""
    if not gzipped:
        return body.replace(b"</head>", link_el + b"</head>", 1)
    try:
        page = gzip.decompress(body)
    except (OSError, EOFError):
        return body
    return gzip.compress(page.replace(b"</head>", link_el + b"</head>", 1), mtime=0)


class OEmbedDiscovery:
    def __init__(self, app) -> None:
        self.app = app
        self.base: str | None = None

    async def __call__(self, scope: dict, receive, send) -> None:
        if self.base is None:
            self.base = base_url_path()
        href = None
        if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
            href = discovery_url(scope, self.base)
        if href is None:
            await self.app(scope, receive, send)
            return
        link_el = f'<link rel="alternate" type="application/json+oembed" href="{html.escape(href)}">'.encode()
        link_header = f'<{href}>; rel="alternate"; type="application/json+oembed"'.encode("latin-1")
        start: dict | None = None
        chunks: list[bytes] = []
        passing = False
        gzipped = False

        async def edited_send(message: dict) -> None:
            nonlocal start, passing, gzipped
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                coding = next((v for k, v in headers if k.lower() == b"content-encoding"), b"").strip().lower()
                # gzip (what a browser's or a CMS's request gets): opened, edited and closed again
                gzipped = coding == b"gzip"
                encoded = coding not in (b"", b"identity", b"gzip")
                if message.get("status") != 200 or not ctype.startswith(b"text/html"):
                    passing = True
                    await send(message)
                    return
                headers.append((b"link", link_header))
                if encoded or scope.get("method") == "HEAD":  # the header only: the body stays as it is
                    passing = True
                    await send({**message, "headers": headers})
                    return
                start = {**message, "headers": headers}
                return
            if passing or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body") and sum(map(len, chunks)) < MAX_BODY:
                return
            body, headers = b"".join(chunks), start["headers"]
            if not message.get("more_body"):  # the whole page: the link goes into its head
                body = _with_link(body, link_el, gzipped)
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
            passing = True
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": message.get("more_body", False)})

        await self.app(scope, receive, edited_send)
