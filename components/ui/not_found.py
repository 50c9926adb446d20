"""A real "page not found" for nested unknown paths (ASGI middleware in server.py).

Why: Streamlit answers any path it does not know with its index page and 200. At `/compare/x` that page
loads its scripts relative to the path (`./static/js/…` becomes `/compare/static/js/…`), which are unknown
paths too and come back as the same HTML: the reader got a permanently white page. A one-segment path
(`/nope`) is fine: the scripts resolve from the root and the app shows its own page.

What: a GET or HEAD for a path of two or more segments outside the server's own prefixes, which Streamlit
answers with its index page, gets a small self-contained 404 page instead: in the reader's language
(`?lang=`, else the browser's Accept-Language), saying there is no page there, with links to the app's
pages. No scripts, nothing relative. Everything else passes untouched.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

from components.core import i18n, pages as registry
from components.core.i18n import N_
from components.ui.a11y import SITE_NAME as SITE

# first path segments that belong to the server itself (Streamlit's routes, static serving, the API)
SERVER_PREFIXES = frozenset(
    {"_stcore", "static", "media", "component", "app", "api", "auth", "oauth2callback", "~", "-"}
)
TITLE = N_("Page not found")
TEXT = N_("There is no page at this address. The dashboard's pages are:")


def base_url_path() -> str:
    try:
        from streamlit import config

        base = (config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:  # noqa: BLE001 - outside a Streamlit server: no base path
        base = ""
    return f"/{base}" if base else ""


def reader_language(scope: dict) -> str:
    """`?lang=` when it names a supported language, else the best of Accept-Language, else English."""
    query = parse_qs((scope.get("query_string") or b"").decode("latin-1"))
    chosen = i18n.normalise((query.get("lang") or [""])[0])
    if chosen:
        return chosen
    header = next((v.decode("latin-1") for k, v in scope.get("headers") or () if k == b"accept-language"), "")
    ranked = []
    for i, part in enumerate(header.split(",")[:20]):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        lang = i18n.normalise(tag)
        if lang and weight > 0:
            ranked.append((-weight, i, lang))
    return min(ranked)[2] if ranked else i18n.DEFAULT


def page(lang: str, path: str, base: str = "") -> bytes:
    with i18n.using(lang):
        _ = i18n._
        keep = "" if lang == i18n.DEFAULT else f"?lang={lang}"  # the app opens in the language of this page
        links = "".join(
            f'<li><a href="{html.escape(base + "/" + p.url + keep)}">{html.escape(_(p.title))}</a></li>'
            for p in registry.PAGES
        )
        shown = path if len(path) <= 100 else path[:100] + "…"
        text = (
            f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(_(TITLE))} · {html.escape(_(SITE))}</title>"
            "<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem;"
            "color:#1f2937;line-height:1.5}a{color:#0060a0}code{background:#f3f4f6;padding:0 .25rem;"
            "overflow-wrap:anywhere}</style></head>"
            f"<body><main><h1>{html.escape(_(TITLE))}</h1><p><code>{html.escape(shown)}</code></p>"
            f"<p>{html.escape(_(TEXT))}</p><ul>{links}</ul></main></body></html>\n"
        )
    return text.encode("utf-8")


def is_nested_unknown(path: str, base: str = "") -> bool:
    if base and path.startswith(base + "/"):
        path = path[len(base) :]
    segments = [s for s in path.split("/") if s]
    return len(segments) >= 2 and segments[0] not in SERVER_PREFIXES


class NestedPathNotFound:
    def __init__(self, app) -> None:
        self.app = app
        self.base: str | None = None

    async def __call__(self, scope: dict, receive, send) -> None:
        if self.base is None:
            self.base = base_url_path()
        if (
            scope.get("type") != "http"
            or scope.get("method") not in ("GET", "HEAD")
            or not is_nested_unknown(scope.get("path", ""), self.base)
        ):
            await self.app(scope, receive, send)
            return
        replaced = False

        async def checked_send(message: dict) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                ctype = next((v for k, v in message.get("headers") or () if k.lower() == b"content-type"), b"")
                if message.get("status") == 200 and ctype.startswith(b"text/html"):
                    replaced = True  # Streamlit's index page for an unknown path: the white page
                    lang = reader_language(scope)
                    body = page(lang, scope.get("path", ""), self.base or "")
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 404,
                            "headers": [
                                (b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()),
                                (b"content-language", lang.encode()),
                                (b"cache-control", b"no-cache"),
                                (b"x-content-type-options", b"nosniff"),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})
                    return
            if not replaced:
                await send(message)

        await self.app(scope, receive, checked_send)
