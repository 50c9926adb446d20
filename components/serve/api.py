"""The read-only HTTP API beside the app: the harmonised data as CSV/JSON at stable URLs (no Streamlit here).

Served by the same server as the app (`server.py` passes `ROUTES` to `st.App`). Version 1 lives under
`/api/v1/`:

    /api/v1/                            what is here (JSON)
    /api/v1/figures.csv | .json         harmonised rows, filtered: country, indicator, breakdown, category,
                                        unit, grade (comma-separated lists), from, to (years), preferred
    /api/v1/view/<page>.csv | .json     the rows a page's chart shows for the page's own link parameters,
                                        e.g. /api/v1/view/compare.csv?ind=victims&per=2022&bd=exploitation
    /api/v1/view/<page>.png | .svg | .pdf  the chart of a chart page as an image, for the same parameters and
                                        `lang`: the bytes of the page's own download button (one function,
                                        components/draw/files.py `figure_image`), its alt text in X-Alt-Text
    /api/v1/view/<page>.embed.json      beside the image: title, alt text, size, sources, the interactive link
                                        and the HTML snippets to paste (components/draw/embed.py)
    /api/v1/oembed?url=<app URL>        oEmbed 1.0 (JSON, type "rich") for a chart page's URL of this app
    /api/v1/sources.csv                 one record per source document
    /api/v1/codebook/<table>.csv        indicators, categories, countries, units, flags, country_definitions
    /api/v1/thb_baltic.csv              the whole harmonised table, as built
    /api/v1/datapackage.json            Frictionless Data Package descriptor of the files above
    /api/v1/dataset.zip                 everything above in one zip (as on the Data page)

Every answer carries the dataset version (`X-Dataset-Version`, and in JSON), an `ETag` (dataset digest +
canonical query; `If-None-Match` gives 304) and `Cache-Control`. CORS lets any origin read
(GET, HEAD, OPTIONS); any other method gets 405. A bad parameter gets a 400 whose JSON names the
parameter and its allowed values; an unknown path under /api/ a 404, a '..' or NUL in it a 400, a dataset
that fails its checks a 503 (all JSON: `ApiGuard` answers what would reach Streamlit's plain-text layer).
Parameters follow one rule with the pages' links: codes in any case (country=ee), digits of any script
(fullwidth ２０２２); the canonical form names the answer (ETag, X-View, "query"). The API serves the dataset
as built and computes no new figures: view rows are the rows of the pages' own Figures, from the store the
pages draw from (`components/store.py`), CSVs from `components/draw/files.py` (CSV injection rule included). No file is read
from a name in the request: codebook tables come from a fixed allow-list.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import cachetools
import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from components import store
from components.builders import page_rows as views
from components.core import i18n, pages as registry
from components.core.cite import sources_detail
from components.core.dataset import DataError, Dataset
from components.draw import embed, files as ex
from components.serve.api_mount import is_api_path
from components.serve.log_limit import limit
from components.view.fields import FIELDS
from components.view.params import IGNORED_PARAMS, LANG_PARAM, PAGE_FIELDS, PARAM
from components.view.state import Resolved, ViewState, decode, resolve
from etl.datapackage import CODEBOOK_TABLES  # the fixed allow-list of codebook tables

log = logging.getLogger(__name__)
limit(__name__)  # a fault repeated on every request is logged once per interval, not once per request

PREFIX = "/api/v1"
API_VERSION = "v1"
MAX_QUERY_BYTES = 2048  # a longer query string is refused (414)
MAX_PARAMS = 24
MAX_VALUE_ECHO = 80
CACHE_CONTROL = "public, max-age=300"
# chart images: a proxy in front keeps them this long (keyed on the full URL) and then revalidates with the ETag
# (dataset digest + view + language + day: the image's footer names the day it was made)
IMAGE_CACHE_CONTROL = f"public, max-age={embed.OEMBED_CACHE_AGE}"
MAX_ALT_HEADER = 1000  # characters of the percent-encoded alt text in X-Alt-Text (the sidecar has it whole)
OEMBED_PARAMS = ("url", "maxwidth", "maxheight", "format")
ALLOW = "GET, HEAD, OPTIONS"
# every route takes every method, so that a write gets this API's JSON 405 (not a plain-text one)
METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"
FIGURE_LISTS = ("country", "indicator", "breakdown", "category", "unit", "grade")
FIGURE_PARAMS = FIGURE_LISTS + ("from", "to", "preferred")
PREFERRED_VALUES = ("true", "false", "all")
LICENCE = (
    "Harmonisation CC BY 4.0; each figure keeps its publisher's terms (sources.csv, column 'licence'); "
    "cite the original publisher together with this dataset."
)


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        parameter: str | None = None,
        value: str | None = None,
        allowed=None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter
        self.value, self.allowed, self.headers = value, allowed, headers or {}


# ------------------------------------------------------------------------------------ the dataset


@dataclass
class State:
    """The dataset of one version of its files (the process-wide store's, components/store.py) and what only
    the API derives from it (lazily, once)."""

    ds: Dataset
    _lazy: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, name: str, make: Callable):
        with self._lock:
            if name not in self._lazy:
                self._lazy[name] = make()
            return self._lazy[name]

    @property
    def version(self) -> str:
        """The dataset version, safe in a header and a file name."""
        return re.sub(r"[^A-Za-z0-9._+-]", "-", str(self.ds.meta.get("dataset_version") or "unknown"))[:64]

    @property
    def options(self):
        return store.options(self.ds)


_STATES = cachetools.LRUCache(maxsize=2)  # the current version of the files, and the one before
_STATES_LOCK = threading.Lock()


def state() -> State:
    """The dataset of `data_dir()` (THB_DATA_DIR or data/) from the store: read and verified once per version
    of its files (their stat signature; the dataset digest covers their content), shared with the app."""
    ds = store.dataset()
    key = (str(ds.data_dir), ds.digest)
    with _STATES_LOCK:
        s = _STATES.get(key)
        if s is None or s.ds is not ds:
            s = State(ds)
            _STATES[key] = s
        return s


_MISSING = object()


class LRU:
    """A thread-safe least-recently-used cache (cachetools) of at most `size` entries and, given `max_bytes`,
    at most that many bytes of values, so that many distinct (or hostile) queries cannot grow the server's
    memory. A value larger than `max_bytes` is returned but not kept."""

    def __init__(self, size: int, max_bytes: int | None = None):
        if max_bytes is None:
            self._cache = cachetools.LRUCache(maxsize=size)
        else:  # each value weighs its length but at least max_bytes/size: both bounds hold at once
            floor = max_bytes // size
            self._cache = cachetools.LRUCache(maxsize=max_bytes, getsizeof=lambda v: max(len(v), floor))
        self._lock = threading.Lock()

    def get(self, key, make: Callable):
        with self._lock:
            value = self._cache.get(key, _MISSING)
        if value is _MISSING:
            value = make()  # outside the lock: a slow answer holds up no other request
            with self._lock, contextlib.suppress(ValueError):  # ValueError: larger than max_bytes
                self._cache[key] = value
        return value


_BODIES = LRU(128, max_bytes=64 << 20)  # recent answers by ETag (at most 64 MB): a repeat costs no pandas work


# ------------------------------------------------------------------------------------ requests


def _echo(v: str) -> str:
    v = str(v)
    return v[:MAX_VALUE_ECHO] + ("…" if len(v) > MAX_VALUE_ECHO else "")


def parse_query(request: Request) -> dict[str, str]:
    """The query string as a dict; refuses a huge one (414), a repeated or empty-named parameter and
    bad percent-encoding (400)."""
    raw = request.scope.get("query_string", b"") or b""
    if len(raw) > MAX_QUERY_BYTES:
        raise ApiError(414, f"The query string is too long ({len(raw)} bytes; at most {MAX_QUERY_BYTES}).")
    try:
        pairs = parse_qsl(
            raw.decode("ascii"),
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_PARAMS,
        )
    except ValueError as exc:  # too many fields, non-ASCII bytes or bad UTF-8 in an escape
        if "Max number of fields" in str(exc):
            raise ApiError(400, f"Too many parameters (at most {MAX_PARAMS}).") from None
        raise ApiError(400, "The query string is not valid percent-encoded UTF-8.") from None
    out: dict[str, str] = {}
    for k, v in pairs:
        if not k:
            raise ApiError(400, "A parameter has no name.")
        if k in out:
            raise ApiError(
                400,
                f"Parameter '{_echo(k)}' is given more than once; give it once (lists are comma-separated).",
                parameter=k,
            )
        out[k] = v
    return out


def _check_names(params: dict, allowed, ignored=()) -> None:
    for k in params:
        if k not in allowed and k not in ignored:
            raise ApiError(400, f"Unknown parameter '{_echo(k)}'.", parameter=k, allowed=sorted(allowed))


def _etag(s: State, path: str, canonical: str) -> str:
    """Dataset (content digest of its files, and its version) + the canonical request."""
    h = hashlib.sha256(f"{s.version}\x1f{path}?{canonical}".encode()).hexdigest()[:16]
    return f'"{s.ds.digest[:16]}-{h}"'


def _not_modified(request: Request, etag: str) -> bool:
    inm = request.headers.get("if-none-match")
    if not inm:
        return False
    tags = [t.strip() for t in inm.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def _base_headers() -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag, X-Dataset-Version, X-View, X-Alt-Text, Link, Content-Disposition",
        "X-Content-Type-Options": "nosniff",
    }


def _answer(
    request: Request,
    s: State,
    *,
    path: str,
    canonical: str,
    media_type: str,
    make: Callable[[], bytes],
    filename: str | None = None,
    extra: dict | None = None,
) -> Response:
    etag = _etag(s, path, canonical)
    headers = {
        **_base_headers(),
        "ETag": etag,
        "Cache-Control": CACHE_CONTROL,
        "X-Dataset-Version": s.version,
        **(extra or {}),
    }
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(_BODIES.get(etag, make), media_type=media_type, headers=headers)


def _error_response(err: ApiError, version: str | None = None) -> Response:
    body = {"status": err.status, "message": err.message}
    if err.parameter is not None:
        body["parameter"] = _echo(err.parameter)
    if err.value is not None:
        body["value"] = _echo(err.value)
    if err.allowed is not None:
        body["allowed"] = err.allowed
    headers = {**_base_headers(), "Cache-Control": "no-store", **err.headers}
    if version:
        headers["X-Dataset-Version"] = version
    return Response(
        json.dumps({"error": body}, ensure_ascii=False), status_code=err.status, media_type=JSON_TYPE, headers=headers
    )


def endpoint(fn: Callable[[Request, dict, State], Response]) -> Callable[[Request], Response]:
    """Method rules, query parsing and errors around a GET handler `fn(request, params, state)`."""

    def handle(request: Request) -> Response:
        method = request.method.upper()
        if method == "OPTIONS":
            return Response(
                status_code=204,
                headers={
                    **_base_headers(),
                    "Allow": ALLOW,
                    "Access-Control-Allow-Methods": ALLOW,
                    "Access-Control-Allow-Headers": "If-None-Match, Accept",
                    "Access-Control-Max-Age": "86400",
                },
            )
        if method not in ("GET", "HEAD"):
            return _error_response(
                ApiError(
                    405,
                    f"Method {method[:10]} is not allowed: this API only reads.",
                    allowed=ALLOW.split(", "),
                    headers={"Allow": ALLOW},
                )
            )
        version = None
        try:
            params = parse_query(request)
            s = state()
            version = s.version
            return fn(request, params, s)
        except ApiError as err:
            return _error_response(err, version)
        except DataError as exc:  # the file's name within the data folder and the problem; never a server path
            log.warning(f"API: dataset unavailable: {exc.file}: {exc.problem}")  # one condition per problem
            return _error_response(
                ApiError(
                    503, f"The dataset could not be loaded: {exc.file}: {exc.problem}", headers={"Retry-After": "60"}
                )
            )
        except OSError as exc:  # a data file that cannot be read (permissions, I/O): the data are unavailable
            log.warning("API: a data file could not be read on %s: %s", request.url.path, type(exc).__name__)
            return _error_response(
                ApiError(
                    503, "The dataset could not be loaded: a data file cannot be read.", headers={"Retry-After": "60"}
                ),
                version,
            )
        except Exception:  # never a traceback to the client
            log.exception("API error on %s", request.url.path)
            return _error_response(ApiError(500, "Internal error: the request could not be answered."), version)

    handle.__name__ = fn.__name__
    return handle


# ------------------------------------------------------------------------------------ JSON


def _json_body(meta: dict, rows: pd.DataFrame, **head) -> bytes:
    """{"api": "v1", "dataset_version", "data_as_of", ..., "fields", "count", "rows": [...]} (NaN -> null)."""
    envelope = {
        "api": API_VERSION,
        "dataset_version": meta.get("dataset_version", "unknown"),
        "data_as_of": meta.get("data_as_of", "unknown"),
        **head,
        "licence": LICENCE,
        "citation": ex.package_citation(meta),
        "fields": [str(c) for c in rows.columns],
        "count": int(len(rows)),
    }
    text = json.dumps(envelope, ensure_ascii=False)
    records = rows.to_json(orient="records", double_precision=15, force_ascii=False) if len(rows) else "[]"
    return (text[:-1] + ', "rows": ' + records + "}").encode("utf-8")


def _typed(rows: pd.DataFrame, fields: list[dict]) -> pd.DataFrame:
    """Columns typed as the Data Package says (integer, number, boolean), for JSON."""
    out = rows.copy()
    types = {f["name"]: f.get("type") for f in fields}
    for c in out.columns:
        t = types.get(c)
        if t == "integer":
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
        elif t == "number":
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
        elif t == "boolean" and out[c].dtype != bool:
            out[c] = out[c].astype(str).str.lower().isin(["true", "1"])
    return out


# ------------------------------------------------------------------------------------ figures


def _year(params: dict, name: str, lo: int, hi: int) -> int | None:
    if name not in params:
        return None
    v = params[name].strip()
    if not re.fullmatch(r"\d{4}", v) or not lo <= int(v) <= hi:  # any script's digits, as the pages' links
        raise ApiError(
            400,
            f"Parameter '{name}' must be a year from {lo} to {hi}.",
            parameter=name,
            value=params[name],
            allowed=f"{lo}-{hi}",
        )
    return int(v)


def figures_query(s: State, params: dict) -> tuple[dict, Callable[[pd.DataFrame], pd.DataFrame]]:
    """Check the figures filters; return their canonical form and the row filter."""
    t = s.ds.table
    _check_names(params, FIGURE_PARAMS)
    canon: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for name in FIGURE_LISTS:
        if name not in params:
            continue
        if name not in t.columns:
            raise ApiError(
                400,
                f"Parameter '{name}' is not available: this version of the dataset has no '{name}' column.",
                parameter=name,
                value=params[name],
                allowed=[],
            )
        allowed = s.get(
            f"allowed:{name}", lambda name=name: sorted(set(t[name].astype(str)) - {""})
        )  # s.get calls it at once
        # codes in any case (country=ee is EE), as the pages' links take them; the answer names the code
        folded = s.get(f"folded:{name}", lambda allowed=allowed: {a.casefold(): a for a in allowed})
        vals = [folded.get(v.strip().casefold(), v.strip()) for v in params[name].split(",") if v.strip()]
        bad = [v for v in vals if v not in allowed]
        if not vals or bad:
            raise ApiError(
                400,
                f"Parameter '{name}' has a value that is not in the data: '{_echo(bad[0] if bad else params[name])}'.",
                parameter=name,
                value=params[name],
                allowed=allowed,
            )
        lists[name] = sorted(set(vals))
        canon[name] = ",".join(lists[name])
    lo, hi = s.get("years", lambda: (int(t["period_start"].min()), int(t["period_end"].max())))
    y_from, y_to = _year(params, "from", lo, hi), _year(params, "to", lo, hi)
    if y_from is not None and y_to is not None and y_from > y_to:
        raise ApiError(
            400,
            f"Parameter 'from' ({y_from}) is after 'to' ({y_to}).",
            parameter="from",
            value=params["from"],
            allowed=f"{lo}-{y_to}",
        )
    if y_from is not None:
        canon["from"] = str(y_from)
    if y_to is not None:
        canon["to"] = str(y_to)
    pref = params.get("preferred", "true").strip().lower()
    if pref in ("1",):
        pref = "true"
    if pref in ("0",):
        pref = "false"
    if pref not in PREFERRED_VALUES:
        raise ApiError(
            400,
            "Parameter 'preferred' must be true (default: the values the charts use), false "
            "(only the other sources' values) or all.",
            parameter="preferred",
            value=params["preferred"],
            allowed=list(PREFERRED_VALUES),
        )
    canon["preferred"] = pref

    def select(table: pd.DataFrame) -> pd.DataFrame:
        m = pd.Series(True, index=table.index)
        for name, vals in lists.items():
            m &= table[name].astype(str).isin(vals)
        if y_from is not None:
            m &= table["period_start"] >= y_from
        if y_to is not None:
            m &= table["period_end"] <= y_to
        if pref != "all":
            m &= table["preferred"] == (pref == "true")
        return table[m]

    return canon, select


def _package(s: State) -> dict:
    return s.get("package", lambda: ex.datapackage(s.ds.data_dir, s.ds.meta, s.ds.table))


def _table_fields(s: State) -> list[dict]:
    return _package(s)["resources"][0]["schema"]["fields"]


@endpoint
def figures_csv(request: Request, params: dict, s: State) -> Response:
    canon, select = figures_query(s, params)
    return _answer(
        request,
        s,
        path="figures.csv",
        canonical=urlencode(sorted(canon.items())),
        media_type=CSV_TYPE,
        filename=f"thb-baltic_figures_{s.version}.csv",
        make=lambda: ex.csv_bytes(ex.published_table(select(s.ds.table))),
    )


@endpoint
def figures_json(request: Request, params: dict, s: State) -> Response:
    canon, select = figures_query(s, params)

    def make() -> bytes:
        rows = select(s.ds.table)
        rows = rows[[c for c in rows.columns if c not in ex.APP_COLUMNS]]
        return _json_body(
            s.ds.meta, _typed(rows, _table_fields(s)).reset_index(drop=True), endpoint="figures", query=canon
        )

    return _answer(
        request, s, path="figures.json", canonical=urlencode(sorted(canon.items())), media_type=JSON_TYPE, make=make
    )


# ------------------------------------------------------------------------------------ views


def decode_view(page: str, params: dict, s: State) -> ViewState:
    """The page's own codec, strict: a parameter the page would not use as given (and replace by a default,
    or use in part) is a 400 naming it and what it accepts, the first in the page's order (an indicator
    before its period). The same per-parameter results as the page's notices: no second set of rules."""
    names = {PARAM[f] for f in PAGE_FIELDS[page]}
    _check_names(params, names, IGNORED_PARAMS)
    decoded = decode({k: v for k, v in params.items() if k in names}, s.options, page)
    for p in decoded.params.values():
        if p.status == "invalid" or p.note:
            param = PARAM[p.name]
            raise ApiError(
                400,
                f"Parameter '{param}' of the {page} page has a value it cannot show: '{_echo(p.raw or '')}'.",
                parameter=param,
                value=p.raw,
                allowed=p.allowed if p.status == "invalid" else FIELDS[p.name].allowed(s.options, {"page": page}),
            )
    if decoded.view.mydeck:  # each slide of an own deck is a view of its page: ask for that view
        raise ApiError(
            400,
            "An own deck (mydeck) is not served as one view: each of its slides is a view of "
            "its page (/api/v1/view/<page>.csv with the slide's query).",
            parameter="mydeck",
            value=_echo(params.get("mydeck", "")),
        )
    return decoded.view


def _page_path(page: str) -> str:
    return "/" if page == "overview" else f"/{page}"


IMAGE_PAGES = registry.CHART_PAGES  # pages whose main Figure is a chart: served as images too
VIEW_FORMATS = ("csv", "json", *embed.IMAGE_FORMATS, embed.SIDECAR)


def _view_name(name: str) -> tuple[str, str]:
    """'compare.png' -> ('compare', 'png'); 'compare.embed.json' -> ('compare', 'embed.json')."""
    if name.endswith("." + embed.SIDECAR):
        return name[: -len(embed.SIDECAR) - 1], embed.SIDECAR
    page, _, fmt = name.rpartition(".")
    return page, fmt


def _lang(params: dict) -> str:
    """The language of an image's texts: `lang=` as the pages' links take it (default English)."""
    raw = params.get(LANG_PARAM)
    if raw is None:
        return i18n.DEFAULT
    lang = i18n.from_link(raw)
    if lang is None:
        raise ApiError(
            400,
            "Parameter 'lang' is not a language of this app.",
            parameter=LANG_PARAM,
            value=raw,
            allowed=list(i18n.LANGS),
        )
    return lang


def _alt_header(alt: str) -> str:
    """The alt text for a header: percent-encoded UTF-8 (ASCII; decodeURIComponent reads it), at most
    MAX_ALT_HEADER characters, cut at a whole character with '…' (the sidecar has it whole)."""
    out, n = [], 0
    for ch in " ".join(str(alt).split()):
        enc = quote(ch, safe=" ,.;:()'!?/")
        if n + len(enc) > MAX_ALT_HEADER - 9:
            return "".join(out).rstrip() + "%E2%80%A6"  # …
        out.append(enc)
        n += len(enc)
    return "".join(out)


def _root(request: Request) -> str:
    """The app's root URL as the client asked for it ('http://host:8501')."""
    return str(request.base_url).rstrip("/")


def _embed(s: State, page: str, r: Resolved, lang: str, root: str, today: date) -> tuple[embed.Embed, list[dict]]:
    """The embed of the page's chart for view `r` in `lang` (its size from the SVG, made once, kept by the
    store) and its sources as the page lists them."""
    with i18n.using(lang):
        fig = store.page_build(s.ds, r, s.options).main
        if fig is None or fig.chart_spec() is None:
            raise ApiError(404, f"The {page} page has no chart for this view.", parameter="page")
        size = ex.svg_size(store.figure_file(s.ds, r, s.options, "svg", today))
        e = embed.embed_of(fig, embed.links(root, page, r.view.to_query(), lang), size, lang)
        sources = sources_detail(fig.rows, s.ds.sources).to_dict("records")
    return e, [{k.lower().replace(" ", "_"): v for k, v in rec.items()} for rec in sources]


@endpoint
def view_endpoint(request: Request, params: dict, s: State) -> Response:
    name = request.path_params.get("name", "")
    page, fmt = _view_name(name)
    tabular = fmt in ("csv", "json")
    if page not in (views.VIEW_PAGES if tabular else IMAGE_PAGES) or fmt not in VIEW_FORMATS:
        raise ApiError(
            404,
            f"No view '{_echo(name)}'.",
            parameter="page",
            allowed=[f"{p}.{f}" for p in views.VIEW_PAGES for f in ("csv", "json")]
            + [f"{p}.{f}" for p in IMAGE_PAGES for f in VIEW_FORMATS[2:]],
        )
    if not tabular:
        return _image_endpoint(request, params, s, page, fmt)
    view = decode_view(page, params, s)
    key = urlencode(sorted(view.to_query().items()))
    vd = store.view_data(s.ds, view, s.options)  # the page's own Figure: built once for the page and the API
    shown_q = vd.view.to_query()
    link = _page_path(page) + ("?" + urlencode(shown_q, safe=",~") if shown_q else "")
    extra = {"X-View": urlencode(shown_q, safe=",~"), "Link": f'<{link}>; rel="alternate"; type="text/html"'}
    # the page's CSV exactly: a label beside each code (in English here), then the sources
    rows = lambda: views.csv_rows(s.ds, vd.table)  # noqa: E731
    if fmt == "csv":
        return _answer(
            request,
            s,
            path=f"view/{page}.csv",
            canonical=key,
            media_type=CSV_TYPE,
            filename=f"thb-baltic_{page}_{s.version}.csv",
            make=lambda: ex.csv_bytes(rows()),
            extra=extra,
        )
    return _answer(
        request,
        s,
        path=f"view/{page}.json",
        canonical=key,
        media_type=JSON_TYPE,
        extra=extra,
        make=lambda: _json_body(s.ds.meta, rows(), endpoint=f"view/{page}", view=shown_q, page_link=link),
    )


def _image_endpoint(request: Request, params: dict, s: State, page: str, fmt: str) -> Response:
    """A chart page's image (png, svg, pdf) or its sidecar (embed.json) for the page's own parameters and
    `lang`: the page's main Figure from the store, its file from the store's file cache (made once however
    many requests ask at the same time)."""
    lang = _lang(params)
    view = decode_view(page, params, s)
    r = resolve(view, s.options)
    today = date.today()  # the image's footer names the day it was made: a new day is a new file
    shown_q = r.view.to_query()
    link = embed.page_path(page) + (
        "?" + urlencode(embed.link_query(shown_q, lang), safe=",~") if shown_q or lang != i18n.DEFAULT else ""
    )
    canonical = urlencode(sorted({**view.to_query(), "lang": lang, "day": today.isoformat()}.items()))
    extra = {
        "X-View": urlencode(shown_q, safe=",~"),
        "Link": f'<{link}>; rel="alternate"; type="text/html"',
        "Cache-Control": IMAGE_CACHE_CONTROL,
    }
    if fmt == embed.SIDECAR:
        root = _root(request)
        e, sources = _embed(s, page, r, lang, root, today)

        def body() -> bytes:
            head = {
                "api": API_VERSION,
                "dataset_version": s.ds.meta.get("dataset_version", "unknown"),
                "data_as_of": s.ds.meta.get("data_as_of", "unknown"),
                "page": page,
                "view": shown_q,
            }
            card = embed.sidecar(e, sources, **head, licence=LICENCE, citation=ex.package_citation(s.ds.meta))
            return json.dumps(card, ensure_ascii=False, indent=1).encode("utf-8")

        return _answer(
            request,
            s,
            path=f"view/{page}.{fmt}",
            canonical=canonical + "&root=" + quote(root),  # the body names the app's URLs
            media_type=JSON_TYPE,
            extra=extra,
            make=body,
        )
    path = f"view/{page}.{fmt}"
    if _not_modified(request, _etag(s, path, canonical)):  # a revalidation (nginx's, a browser's): no drawing
        return _answer(
            request, s, path=path, canonical=canonical, media_type=ex.IMAGE_MEDIA[fmt], make=bytes, extra=extra
        )
    with i18n.using(lang):
        try:
            image = store.chart_image(s.ds, r, s.options, fmt, today)
        except LookupError:
            raise ApiError(404, f"The {page} page has no chart for this view.", parameter="page") from None
    extra["X-Alt-Text"] = _alt_header(image.alt_text)
    return _answer(
        request,
        s,
        path=path,
        canonical=canonical,
        media_type=ex.IMAGE_MEDIA[fmt],
        filename=image.file_name,
        make=lambda: image.data,
        extra=extra,
    )


def _dimension(params: dict, name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    v = raw.strip()
    if not v.isdecimal() or not 16 <= int(v) <= 10000:
        raise ApiError(
            400,
            f"Parameter '{name}' must be a whole number of pixels from 16 to 10000.",
            parameter=name,
            value=raw,
            allowed="16-10000",
        )
    return int(v)


@endpoint
def oembed_endpoint(request: Request, params: dict, s: State) -> Response:
    """oEmbed 1.0 (https://oembed.com) for the URL of a chart page of this app: type "rich", the picture
    snippet of the page's embed panel (the image linking to the interactive view, the sources under it)."""
    _check_names(params, OEMBED_PARAMS)
    fmt = params.get("format", "json").strip().lower() or "json"
    if fmt != "json":
        raise ApiError(501, "Only format=json is served.", parameter="format", value=params["format"], allowed=["json"])
    url = params.get("url", "").strip()
    if not url:
        raise ApiError(400, "Parameter 'url' is required: the address of a chart page of this app.", parameter="url")
    maxwidth, maxheight = _dimension(params, "maxwidth"), _dimension(params, "maxheight")
    try:
        parts = urlsplit(url)
        host_ok = parts.scheme in ("http", "https") and parts.netloc.lower() == request.url.netloc.lower()
    except ValueError:
        host_ok = False
    if not host_ok:
        raise ApiError(404, "Not a URL of this app: oEmbed answers for its own pages only.", parameter="url", value=url)
    page = embed.page_of_path(parts.path)
    if page not in IMAGE_PAGES:
        raise ApiError(
            404,
            "Not a chart page of this app.",
            parameter="url",
            value=url,
            allowed=[embed.page_path(p) for p in IMAGE_PAGES],
        )
    try:
        query = dict(parse_qsl(parts.query, keep_blank_values=True, max_num_fields=MAX_PARAMS))
    except ValueError:
        raise ApiError(400, "The URL's query cannot be read.", parameter="url", value=url) from None
    lang = _lang(query)
    view = decode_view(page, query, s)
    r = resolve(view, s.options)
    root = embed.app_root(f"{parts.scheme}://{parts.netloc}{parts.path}", page)
    today = date.today()
    canonical = urlencode(
        sorted(
            {
                **view.to_query(),
                "lang": lang,
                "day": today.isoformat(),
                "root": root,
                "maxwidth": str(maxwidth or ""),
                "maxheight": str(maxheight or ""),
            }.items()
        )
    )

    def body() -> bytes:
        e, _sources = _embed(s, page, r, lang, root, today)
        return json.dumps(embed.oembed(e, root, maxwidth, maxheight), ensure_ascii=False).encode("utf-8")

    return _answer(
        request,
        s,
        path=f"oembed/{page}",
        canonical=canonical,
        media_type=JSON_TYPE,
        make=body,
        extra={"Cache-Control": IMAGE_CACHE_CONTROL},
    )


# ------------------------------------------------------------------------------------ files


@endpoint
def sources_csv(request: Request, params: dict, s: State) -> Response:
    _check_names(params, ())
    src = s.ds.sources if s.ds.sources is not None else pd.DataFrame()
    return _answer(
        request,
        s,
        path="sources.csv",
        canonical="",
        media_type=CSV_TYPE,
        filename="sources.csv",
        make=lambda: ex.csv_bytes(src),
    )


@endpoint
def table_csv(request: Request, params: dict, s: State) -> Response:
    _check_names(params, ())
    return _answer(
        request,
        s,
        path="thb_baltic.csv",
        canonical="",
        media_type=CSV_TYPE,
        filename="thb_baltic.csv",
        make=lambda: ex.csv_bytes(ex.published_table(s.ds.table)),
    )


@endpoint
def codebook_csv(request: Request, params: dict, s: State) -> Response:
    name = request.path_params.get("name", "")
    allowed = [t for t in CODEBOOK_TABLES if (s.ds.data_dir / "codebook" / f"{t}.csv").is_file()]
    table = {f"{t}.csv": t for t in allowed}.get(name)  # the request names an entry, never a path
    if table is None:
        raise ApiError(
            404, f"No codebook table '{_echo(name)}'.", parameter="table", allowed=[f"{t}.csv" for t in allowed]
        )
    _check_names(params, ())
    path = s.ds.data_dir / "codebook" / f"{table}.csv"
    return _answer(
        request,
        s,
        path=f"codebook/{table}.csv",
        canonical="",
        media_type=CSV_TYPE,
        filename=f"{table}.csv",
        make=lambda: ex.csv_bytes(pd.read_csv(path, dtype=str, keep_default_na=False)),
    )


@endpoint
def datapackage_json(request: Request, params: dict, s: State) -> Response:
    _check_names(params, ())
    return _answer(
        request,
        s,
        path="datapackage.json",
        canonical="",
        media_type=JSON_TYPE,
        make=lambda: json.dumps(_package(s), indent=2, ensure_ascii=False).encode("utf-8"),
    )


@endpoint
def dataset_zip(request: Request, params: dict, s: State) -> Response:
    _check_names(params, ())
    today = date.today()  # the zip's README names the access date
    return _answer(
        request,
        s,
        path="dataset.zip",
        canonical=today.isoformat(),
        media_type="application/zip",
        filename=f"thb-baltic_dataset_{s.version}.zip",
        make=lambda: ex.dataset_zip(s.ds.table, s.ds.sources, s.ds.data_dir, s.ds.meta, today),
    )


INDEX = {
    "figures.csv": "harmonised rows; filters: country, indicator, breakdown, category, unit, grade "
    "(comma-separated lists), from, to (years: the period lies within them), "
    "preferred (true: default, the values the charts use; false; all)",
    "figures.json": "the same as JSON",
    "view/<page>.csv": "the rows a page shows for its own link parameters; pages: " + ", ".join(views.VIEW_PAGES),
    "view/<page>.json": "the same as JSON",
    "view/<page>.png|svg|pdf": "the chart of a chart page as an image (the page's download), for its link "
    "parameters and lang; pages: " + ", ".join(IMAGE_PAGES),
    "view/<page>.embed.json": "title, alt text, size, sources, the interactive link and HTML snippets of that image",
    "oembed": "oEmbed 1.0 JSON for the URL of a chart page of this app (url, maxwidth, maxheight, format=json)",
    "sources.csv": "one record per source document",
    "codebook/<table>.csv": "tables: " + ", ".join(CODEBOOK_TABLES),
    "thb_baltic.csv": "the whole harmonised table as built",
    "datapackage.json": "Frictionless Data Package descriptor",
    "dataset.zip": "table, sources, codebook, README and datapackage.json in one zip",
}


@endpoint
def index(request: Request, params: dict, s: State) -> Response:
    _check_names(params, ())
    body = {
        "api": API_VERSION,
        "dataset_version": s.version,
        "data_as_of": s.ds.meta.get("data_as_of", "unknown"),
        "endpoints": {f"{PREFIX}/{k}": v for k, v in INDEX.items()},
        "licence": LICENCE,
    }
    return _answer(
        request,
        s,
        path="",
        canonical="",
        media_type=JSON_TYPE,
        make=lambda: json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8"),
    )


def _unsafe_path(path: str) -> bool:
    """What Streamlit's path-security layer refuses (with a plain-text 400): NUL, backslashes, an empty
    segment ('//'), '.' or '..' segments (the server has already decoded '%2e%2e' and '%00')."""
    if "\x00" in path or "\\" in path:
        return True
    segments = path.split("/")[1:]
    return any(seg in ("", ".", "..") for seg in segments[:-1]) or segments[-1] in (".", "..")


class ApiGuard:
    """ASGI middleware ahead of Streamlit's own: under /api, what would otherwise be answered in plain text
    gets this API's JSON error. A path Streamlit's path-security layer refuses ('..', '%2e%2e', '%00',
    backslashes, '//') is a 400; a method the API does not take (TRACE, PROPFIND, anything unknown) a 405.
    Everything else passes on (to the routes above, or to Streamlit's layer after it)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive, send) -> None:
        path = scope.get("path", "") if scope.get("type") == "http" else ""
        if not is_api_path(path):
            await self.app(scope, receive, send)
            return
        method = str(scope.get("method", "")).upper()
        if method not in METHODS:
            err = ApiError(
                405,
                f"Method {_echo(method)[:10]} is not allowed: this API only reads.",
                allowed=ALLOW.split(", "),
                headers={"Allow": ALLOW},
            )
        elif _unsafe_path(path):
            err = ApiError(
                400,
                "The path is not valid: no '..', NUL, backslash or empty segment in a path under "
                "/api/. The API lives under /api/v1/.",
            )
        else:
            await self.app(scope, receive, send)
            return
        await _error_response(err)(scope, receive, send)


def not_found(request: Request) -> Response:
    """Any other path under /api/ (without this, Streamlit would answer with its index page and 200)."""
    if request.method.upper() == "OPTIONS":
        return Response(
            status_code=204, headers={**_base_headers(), "Allow": ALLOW, "Access-Control-Allow-Methods": ALLOW}
        )
    return _error_response(
        ApiError(404, "No such API endpoint. The API lives under /api/v1/.", allowed=[f"{PREFIX}/{k}" for k in INDEX])
    )


ROUTES = [
    Route(PREFIX, index, methods=METHODS),
    Route(PREFIX + "/", index, methods=METHODS),
    Route(PREFIX + "/figures.csv", figures_csv, methods=METHODS),
    Route(PREFIX + "/figures.json", figures_json, methods=METHODS),
    Route(PREFIX + "/view/{name:path}", view_endpoint, methods=METHODS),
    Route(PREFIX + "/oembed", oembed_endpoint, methods=METHODS),
    Route(PREFIX + "/sources.csv", sources_csv, methods=METHODS),
    Route(PREFIX + "/thb_baltic.csv", table_csv, methods=METHODS),
    Route(PREFIX + "/codebook/{name:path}", codebook_csv, methods=METHODS),
    Route(PREFIX + "/datapackage.json", datapackage_json, methods=METHODS),
    Route(PREFIX + "/dataset.zip", dataset_zip, methods=METHODS),
    Route("/api", not_found, methods=METHODS),
    Route("/api/{rest:path}", not_found, methods=METHODS),
]
# the routes as one ASGI app: what the server mounts under /api (components/serve/api_mount.py)
ROUTER = Router(routes=ROUTES)
