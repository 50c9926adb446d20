"""A chart to embed elsewhere (pure: no Streamlit): the URLs of a view's image files and of its interactive page,
what a newsroom pastes (a responsive picture linking to the interactive view, the iframe of the view), the
image's sidecar and the oEmbed answer. Used by the page's embed panel (components/ui/share.py) and the data API
(components/serve/api.py), so the snippet on the page and the one a CMS gets through oEmbed are the same.

The images are the page's own download files (components/draw/files.py `figure_image`): the `<picture>`
offers the SVG (text stays text, about 200 KB) and falls back to the PNG (1600 px wide); width and height are
the chart's natural size in CSS pixels (the SVG's), so the page reserves the space before the image arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from components.core import i18n, pages as registry
from components.core.cite import APP_NAME
from components.core.i18n import N_
from components.view.params import link_query

API_VIEW = "/api/v1/view/"
IMAGE_FORMATS = ("png", "svg", "pdf")
SIDECAR = "embed.json"  # /api/v1/view/<page>.embed.json
IFRAME_HEIGHT = 760  # the interactive view in an iframe: a chart and its controls
OEMBED_CACHE_AGE = 600  # seconds a consumer may keep an oEmbed answer (the images' own max-age)


def page_path(page: str) -> str:
    """The app's path of a page: '/' for the default page, '/compare' …"""
    spec = registry.BY_ID[page]
    return "/" + spec.url


def page_of_path(path: str) -> str | None:
    """The page a path of the app names ('/', '/compare', '/thb/compare' behind a base path), else None."""
    last = path.rstrip("/").rsplit("/", 1)[-1] if path.strip("/") else ""
    for spec in registry.PAGES:
        if last == spec.url or (spec.default and last == spec.id):
            return spec.id
    return None


def app_root(url: str, page: str) -> str:
    """The app's root URL ('https://host' or 'https://host/base') from the URL of one of its pages."""
    base = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    spec = registry.BY_ID[page]
    for tail in {spec.url, spec.id} - {""}:
        if base.endswith("/" + tail):
            return base[: -len(tail) - 1]
    return base


def _qs(query: dict[str, str]) -> str:
    q = urlencode(sorted(query.items()), safe=",~")
    return "?" + q if q else ""


@dataclass(frozen=True)
class Links:
    page: str  # the interactive view, in the image's language
    iframe: str  # the same with embed=true (no toolbar, no padding)
    png: str
    svg: str
    pdf: str
    sidecar: str  # /api/v1/view/<page>.embed.json

    def image(self, fmt: str) -> str:
        return {"png": self.png, "svg": self.svg, "pdf": self.pdf}[fmt]


def links(root: str, page: str, query: dict[str, str], lang: str) -> Links:
    """Every URL of one view (`query`: the view's canonical query, without the language) under the app's
    `root` ('https://host')."""
    root = root.rstrip("/")
    q = link_query(query, lang)
    path = root + page_path(page)
    api = f"{root}{API_VIEW}{page}."
    return Links(
        page=path + _qs(q),
        iframe=path + _qs({**q, "embed": "true"}),
        png=api + "png" + _qs(q),
        svg=api + "svg" + _qs(q),
        pdf=api + "pdf" + _qs(q),
        sidecar=api + SIDECAR + _qs(q),
    )


@dataclass(frozen=True)
class Embed:
    """What an embed of one Figure says, in the language it was made in."""

    title: str
    alt_text: str
    source_line: str  # as on the chart: "Sources: …"
    width: int  # the chart's natural size, CSS pixels
    height: int
    links: Links
    lang: str
    provider: str  # the app's name in that language


# what a chart's alt text says about the page around it, which an embedded image does not have
PAGE_ONLY_ALT = (
    N_("The same numbers are in the table below the chart."),
    N_("The same numbers are in the table below the map."),
)


def alt_text(fig) -> str:
    """The Figure's alt text for the image on its own (call in the Figure's language): without the sentences
    that point at the page's table (the interactive view the image links to has it)."""
    text = str(fig.alt_text)
    for sentence in PAGE_ONLY_ALT:
        text = text.replace(i18n._(sentence), "")
    return " ".join(text.split())


def embed_of(fig, links: Links, size: tuple[float, float], lang: str) -> Embed:
    """The embed of Figure `fig` (built in `lang`; call inside `i18n.using(lang)`), drawn at `size` (the SVG's)."""
    w, h = size
    return Embed(
        title=fig.title,
        alt_text=alt_text(fig),
        source_line=fig.source_line,
        width=max(1, round(w)),
        height=max(1, round(h)),
        links=links,
        lang=lang,
        provider=i18n._(APP_NAME),
    )


def fit(e: Embed, maxwidth: int | None = None, maxheight: int | None = None) -> tuple[int, int]:
    """The embed's width and height scaled down (never up) to fit `maxwidth` × `maxheight`."""
    scale = 1.0
    if maxwidth:
        scale = min(scale, maxwidth / e.width)
    if maxheight:
        scale = min(scale, maxheight / e.height)
    return max(1, int(e.width * scale)), max(1, int(e.height * scale))


def picture_html(e: Embed, maxwidth: int | None = None, maxheight: int | None = None) -> str:
    """The image snippet: a responsive picture (SVG, else PNG) with the chart's alt text and size, lazy, linking
    to the interactive view, and the sources line under it."""
    w, h = fit(e, maxwidth, maxheight)
    a = lambda s: escape(str(s), quote=True)  # noqa: E731
    with i18n.using(e.lang):
        more = i18n._("Interactive chart: {app}").format(app=e.provider)
    return (
        f'<figure style="margin:0;max-width:{w}px" lang="{a(e.lang)}">\n'
        f'  <a href="{a(e.links.page)}">\n'
        f"    <picture>\n"
        f'      <source type="image/svg+xml" srcset="{a(e.links.svg)}">\n'
        f'      <img src="{a(e.links.png)}" alt="{a(e.alt_text)}" width="{w}" height="{h}" loading="lazy" '
        f'decoding="async" style="max-width:100%;height:auto">\n'
        f"    </picture>\n"
        f"  </a>\n"
        f'  <figcaption style="font-size:0.8em">{a(e.source_line)} · '
        f'<a href="{a(e.links.page)}">{a(more)}</a></figcaption>\n'
        f"</figure>"
    )


def iframe_html(e: Embed, height: int = IFRAME_HEIGHT) -> str:
    """The interactive view in an iframe (Streamlit's embed mode: no toolbar, no padding)."""
    a = lambda s: escape(str(s), quote=True)  # noqa: E731
    return (
        f'<iframe src="{a(e.links.iframe)}" title="{a(e.title)}" width="100%" height="{height}" '
        f'style="border:0" loading="lazy"></iframe>'
    )


def sidecar(e: Embed, sources: list[dict], **head) -> dict:
    """The image's sidecar (/api/v1/view/<page>.embed.json): what to say beside the picture."""
    return {
        **head,
        "lang": e.lang,
        "title": e.title,
        "alt_text": e.alt_text,
        "source_line": e.source_line,
        "sources": sources,
        "width": e.width,
        "height": e.height,
        "images": {fmt: e.links.image(fmt) for fmt in IMAGE_FORMATS},
        "link": e.links.page,
        "iframe": e.links.iframe,
        "html": picture_html(e),
        "iframe_html": iframe_html(e),
    }


def oembed(e: Embed, root: str, maxwidth: int | None = None, maxheight: int | None = None) -> dict:
    """The oEmbed 1.0 answer (https://oembed.com, type "rich"): the picture snippet, sized to fit."""
    w, h = fit(e, maxwidth, maxheight)
    return {
        "version": "1.0",
        "type": "rich",
        "title": e.title,
        "provider_name": e.provider,
        "provider_url": root.rstrip("/") + "/",
        "cache_age": OEMBED_CACHE_AGE,
        "width": w,
        "height": h,
        "html": picture_html(e, maxwidth, maxheight),
    }
