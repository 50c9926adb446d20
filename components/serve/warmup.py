"""Warm start: the server does the first visitor's work when it starts (the `st.App` lifespan).

1. As the server starts listening, in a thread: import the heavy libraries, load the dataset and run the
   `steps` (by default the options index) — all into the process-wide store (components/store.py) that
   the pages and the data API both draw from. Then, once visitors have been quiet for QUIET_S, the
   `quiet_steps` (each page's default Figures): not while a first visitor's browser loads the page.
2. Then, in the background: open one session per view in `views` over the server's own websocket on
   127.0.0.1 (exactly what a browser does) and wait for each run to finish. That runs the real pages,
   so every query, chart spec and compiled script the default views need is cached, whatever the pages
   build; their Figures land in the same store, so the API's rows of those views are ready too. Each
   view waits until visitors have been quiet for QUIET_S (VisitorActivity sees their requests and the
   messages sent to them): the warm-up is for visitors, not ahead of them.
3. Behind a proxy (THB_HEALTH_GATE=1), `/_stcore/health` answers 503 "warming up" until step 2 is done
   (HealthGate), so the proxy or Kubernetes sends visitors only to a warm process. With one process
   (make run) the gate is off: a visitor who comes during the warm-up is served at once.
4. Always: when the dataset fails its checks (missing, unreadable, not the file the build recorded),
   `/_stcore/health` answers 503 "broken: <file>: <problem>" to a probe, so a proxy or Kubernetes takes
   the process out and `deploy/serve.py` restarts it. Three states in one answer: 200 "ok" (ready),
   503 "warming up", 503 "broken: ...". A browser's own check (it sends `Referer` or `Sec-Fetch-Mode`)
   still passes when the data are broken, so the reader gets the page with its clear error in their
   language rather than an endless "connecting" (where every process shares the same broken files).

Holds no page logic: point it at other views or builders with `make_lifespan(views=..., steps=...)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from streamlit.logger import get_logger

_LOG = get_logger("thb.warmup")  # Streamlit's handler and level: the lines appear in the server log

# the default views: what a shared link or a trainer's "open this" most often opens first
WARM_PATHS: tuple[str, ...] = ("/", "/compare", "/trends", "/map", "/data")
# the pages whose default view's Figures are built before a visitor asks (first_views): the chart pages and
# the Methodology's (the pages a link to the site opens); about 0.1-0.5 s each
FIRST_VIEWS: tuple[str, ...] = ("overview", "compare", "trends", "map", "data", "methodology")
READY = {"done": False, "seconds": None, "views": {}}  # read by HealthGate and by tests
WARMUP_HEADER = (b"x-thb-warmup", b"1")  # marks the warm-up's own connections (not visitors)
QUIET_S = 1.5  # a warm-up view starts after this long without visitor traffic
MAX_YIELD_S = 30.0  # and never waits longer than this (a busy server is warmed all the same)
ACTIVITY = {"last": 0.0}  # time.monotonic() of the last visitor request or message sent to a visitor


class VisitorActivity:
    """ASGI middleware: notes when visitors (anything not marked with WARMUP_HEADER) last made a request
    or were sent a websocket message, so the warm-up can wait for a quiet moment."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive, send) -> None:
        if scope.get("type") not in ("http", "websocket") or WARMUP_HEADER in scope.get("headers", ()):
            await self.app(scope, receive, send)
            return
        ACTIVITY["last"] = time.monotonic()

        async def noted_send(msg: dict) -> None:
            ACTIVITY["last"] = time.monotonic()
            await send(msg)

        await self.app(scope, receive, noted_send)


async def _quiet(quiet_s: float = QUIET_S, max_s: float = MAX_YIELD_S) -> None:
    t0 = time.monotonic()
    while time.monotonic() - ACTIVITY["last"] < quiet_s and time.monotonic() - t0 < max_s:
        await asyncio.sleep(0.1)


def options_index(ds) -> None:
    """Build the options index (what indicators, periods and breakdowns exist) into the store."""
    from components import store

    store.options(ds)


def warm_renderer() -> None:
    from components.draw.files import warm_renderer as start

    start()


def first_views(ds) -> None:
    """Build each warm page's default view (the store's page builds, no session): a visitor who opens a page
    while the server is still starting finds its Figures built and pays only Streamlit's drawing."""
    from components import store
    from components.serve.admission import FIRST_RUNS
    from components.view.state import ViewState, resolve

    opts = store.options(ds)
    for page in FIRST_VIEWS:
        waited = 0.0
        while FIRST_RUNS["running"] > 0 and waited < MAX_YIELD_S:  # a visitor's first run goes first
            time.sleep(0.05)
            waited += 0.05
        store.page_build(ds, resolve(ViewState(page=page), opts), opts)


def import_api(_ds) -> None:
    """Import the data API's module (components/serve/api_mount.py loads it on first use otherwise)."""
    import importlib

    from components.serve.api_mount import API_MODULE

    importlib.import_module(API_MODULE)


STEPS: tuple[Callable[[Any], None], ...] = (options_index, import_api)
# after the first quiet moment: building every page's Figures while the first visitor's browser loads the
# page's scripts took the two cores from both (cold start 8.3 s against 6.8 s without it, on Compare)
QUIET_STEPS: tuple[Callable[[Any], None], ...] = (first_views,)


def streamlit_once() -> None:
    """What Streamlit pays once per process in the first visitor's run, paid here instead (1 s in all)."""
    from streamlit import delta_generator, string_util

    # Its "run in a REPL?" check on the first element calls inspect.stack(), which resolves the file of every
    # loaded module: 0.5 s with this app's modules loaded. This server is always run by `streamlit run`.
    delta_generator._use_warning_has_been_displayed = True
    string_util.is_emoji("📊")  # the page icon's check builds Streamlit's emoji table once (0.27 s)


def warm_data(steps: Iterable[Callable[[Any], None]] = STEPS) -> dict[str, float]:
    """Load the dataset and run each step on it (blocking). Returns seconds per step."""
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    streamlit_once()
    times["streamlit_once"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    import altair  # noqa: F401  (the pages' imports, paid here once)
    import pandas  # noqa: F401

    from components import store

    times["imports"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = store.dataset()
    times["load_dataset"] = time.perf_counter() - t0
    for step in steps:
        t0 = time.perf_counter()
        step(ds)
        times[getattr(step, "__name__", repr(step))] = time.perf_counter() - t0
    return times


def _stream_url() -> str:
    from streamlit import config

    host = config.get_option("server.address") or "127.0.0.1"
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    path = f"/{base}/_stcore/stream" if base else "/_stcore/stream"
    return f"ws://{host}:{config.get_option('server.port')}{path}"


async def run_view(ws_url: str, view: str, timeout: float = 60.0) -> float:
    """Open one session on `view` (path and query) and wait for its first run to finish."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    parts = urllib.parse.urlsplit(view)
    msg = BackMsg()
    msg.rerun_script.query_string = parts.query
    msg.rerun_script.page_name = parts.path.strip("/")
    t0 = time.perf_counter()
    async with asyncio.timeout(timeout):
        async with connect(
            ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            ping_interval=None,
            compression=None,
            additional_headers=[tuple(x.decode() for x in WARMUP_HEADER)],
        ) as ws:
            await ws.send(msg.SerializeToString())
            for _ in range(100_000):
                fm = ForwardMsg()
                fm.ParseFromString(await ws.recv())
                if (
                    fm.WhichOneof("type") == "script_finished"
                    and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
                ):
                    break
    return time.perf_counter() - t0


async def run_views(
    views: Iterable[str] = WARM_PATHS,
    ws_url: str | None = None,
    start_timeout: float = 60.0,
    total_timeout: float = 180.0,
) -> None:
    """Run each view once through the server's own websocket (after it starts listening)."""
    t_all = time.perf_counter()
    ws_url = ws_url or _stream_url()
    try:
        async with asyncio.timeout(total_timeout):
            await _run_each(views, ws_url, start_timeout)
    except Exception as exc:  # a warm-up failure or timeout must never stop the server
        _LOG.warning("warm-up stopped: %s: %s", type(exc).__name__, exc)
    finally:
        READY["done"] = True
        READY["seconds"] = time.perf_counter() - t_all
        _LOG.info("warm-up done in %.1f s: %s", READY["seconds"], READY["views"])


async def _run_each(views: Iterable[str], ws_url: str, start_timeout: float) -> None:
    for view in views:
        await _quiet()
        for _attempt in range(int(start_timeout / 0.25)):  # the server may not listen yet
            try:
                READY["views"][view] = round(await run_view(ws_url, view), 3)
                break
            except OSError:
                await asyncio.sleep(0.25)
        else:
            _LOG.warning("warm-up: could not reach %s", ws_url)
            return


async def _warm_renderer() -> None:
    """The chart-image renderer, started in a quiet moment: it holds the interpreter while it starts (vl-convert
    keeps the GIL during a conversion), so a visitor's run would stall behind it."""
    await _quiet()
    try:
        t0 = time.perf_counter()
        await asyncio.to_thread(warm_renderer)
        _LOG.info("warm-up: image renderer started in %.1f s", time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - images then start on the first request, as before
        _LOG.warning("warm-up: image renderer not started: %s: %s", type(exc).__name__, exc)


def make_lifespan(
    views: Iterable[str] = WARM_PATHS,
    steps: Iterable[Callable[[Any], None]] = STEPS,
    renderer: bool = True,
    quiet_steps: Iterable[Callable[[Any], None]] = QUIET_STEPS,
):
    """An `st.App` lifespan that warms the data (steps) at once, then in quiet moments the Figures
    (quiet_steps), the image renderer and the views, in the background."""
    views, steps, quiet_steps = tuple(views), tuple(steps), tuple(quiet_steps)

    async def warm() -> None:
        try:
            times = await asyncio.to_thread(warm_data, steps)
            _LOG.info("warm-up data: %s", {k: round(v, 3) for k, v in times.items()})
            if quiet_steps:
                await _quiet()
                times = await asyncio.to_thread(warm_data, quiet_steps)
                _LOG.info("warm-up Figures: %s", {k: round(v, 3) for k, v in times.items()})
        except Exception as exc:  # no dataset: the pages show their own clear error
            _LOG.warning("warm-up: data not loaded: %s: %s", type(exc).__name__, exc)
        if renderer:
            await _warm_renderer()
        if views:
            await run_views(views)
        else:
            READY["done"] = True

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        READY.update(done=False, seconds=None, views={})
        ACTIVITY["last"] = time.monotonic()  # a visitor who comes with the start goes first (QUIET_S)
        # The server listens at once and the data warms meanwhile (a thread): a browser spends its first
        # second or two loading the page's scripts, and by the time it asks for a run the dataset, the options
        # and the default views' Figures are built or being built (the store makes each once; a run that needs
        # one meanwhile waits for it). Warming before listening made the first visitor wait for all of it.
        # Behind a proxy the health check says "warming up" until the views have run (HealthGate).
        task = asyncio.create_task(warm())
        try:
            yield None
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    return lifespan


lifespan = make_lifespan()


def gate_enabled() -> bool:
    """THB_HEALTH_GATE=1: several processes behind a proxy (make serve, the container, Kubernetes)."""
    return os.environ.get("THB_HEALTH_GATE", "").strip().lower() in ("1", "true", "yes")


async def dataset_problem() -> str | None:
    """None when the dataset loads and passes its checks, else '<file>: <problem>' (no server path). Checked
    again only when the files change (their stat signature), in a thread: a health check costs a few stats."""
    from components import store
    from components.core.dataset import DataError, data_dir, stat_signature

    d = data_dir()
    key = (str(d), stat_signature(d))
    if key != _DATA_CHECK["key"]:
        try:
            await asyncio.to_thread(store.dataset)  # the store's, per version of the files: loaded once, verified
            problem = None
        except DataError as exc:
            problem = f"{exc.file}: {exc.problem}"
        except Exception as exc:  # noqa: BLE001 - any failure to load is "broken", never a crash of the check
            problem = f"the dataset could not be loaded ({type(exc).__name__})"
        _DATA_CHECK.update(key=key, problem=problem)
    return _DATA_CHECK["problem"]


_DATA_CHECK: dict = {"key": None, "problem": None}


def _from_a_browser(scope: dict) -> bool:
    """Streamlit's page asks for /_stcore/health with fetch(): browsers send a Referer (and, on https or
    localhost, Sec-Fetch-Mode); probes (kubelet, Docker, serve.py, curl) send neither."""
    return any(k in (b"referer", b"sec-fetch-mode") for k, _ in scope.get("headers") or ())


def _plain(status: int, text: str):
    body = text.encode("utf-8", "replace")[:400]
    return (
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-cache"),
            ],
        },
        {"type": "http.response.body", "body": body},
    )


class HealthGate:
    """ASGI middleware: `/_stcore/health` says whether this process is ready to serve readers.

    - 503 "broken: <file>: <problem>" when the dataset fails its checks (always; a browser's own check
      passes, see the module doc);
    - 503 "warming up" until the warm-up has run the views, where the gate is on (`gate_enabled`: there is
      another process to send visitors to). Off with one process (make run): Streamlit's page asks the same
      endpoint before it opens its websocket, so the gate made the first visitor wait for the whole warm-up
      (a cold /map: 12 s to the first drawn map; 8.5 s without it);
    - else Streamlit's own 200 "ok".
    `check` (tests) replaces `dataset_problem`."""

    def __init__(self, app: Any, enabled: bool | None = None, check=None) -> None:
        self.app = app
        self.enabled = gate_enabled() if enabled is None else enabled
        self.check = check or dataset_problem

    async def __call__(self, scope: dict, receive, send) -> None:
        if scope.get("type") != "http" or not scope.get("path", "").endswith("/_stcore/health"):
            await self.app(scope, receive, send)
            return
        answer = None
        if self.enabled and not READY["done"]:
            answer = _plain(503, "warming up")
        else:
            problem = await self.check()
            if problem and not _from_a_browser(scope):
                answer = _plain(503, f"broken: {problem}")
        if answer is None:
            await self.app(scope, receive, send)
            return
        for message in answer:
            await send(message)
