"""The server entry: the Streamlit app (app.py, the frame and its pages) plus start-up work and HTTP
routes served beside it by the same process. `make run` starts it (`streamlit run server.py`).

Why a second file: `st.App` wraps the script Streamlit re-runs for every session (app.py); it must
not be built inside that script.
"""

import contextlib
import sys

import streamlit as st
from starlette.middleware import Middleware

from components.serve import connections, log_limit
from components.serve.admission import FirstRunAdmission

# the read-only data API under /api/v1/ and its error format; the API itself is imported after start-up
from components.serve.api_mount import ROUTES, ApiGuard
from components.serve.oembed_link import OEmbedDiscovery
from components.serve.warmup import HealthGate, VisitorActivity, make_lifespan
from components.ui.not_found import NestedPathNotFound

# limits on open connections and on the wait for a request's head (components/serve/connections.py): slow or
# numerous clients cannot exhaust the process; its log gets one line per condition per interval
connections.install()
log_limit.limit("uvicorn.error", "asyncio")

# The event loop (HTML, scripts, websockets) shares the interpreter with threads that compute: the warm-up
# importing and loading the data as the first browser loads the page, script runs, chart images. A thread
# waiting for the interpreter asks for it after this interval (Python's default 5 ms): at 1 ms the loop serves
# the page's 137 script files without waiting behind the warm-up (cold start to the first chart on Compare
# 5.2 -> 4.6 s, bench/RESULTS.md); the extra switching costs the computing threads well under 1 %.
sys.setswitchinterval(0.001)

# start-up work: load the dataset, build the options index and run the default views once, so the
# first visitor pays no more than the second (components/serve/warmup.py)
WARM = make_lifespan()


@contextlib.asynccontextmanager
async def LIFESPAN(app):
    connections.on_server_loop()  # the event loop's error reports: rate-limited too
    async with WARM(app):
        yield


MIDDLEWARE = [
    Middleware(HealthGate),  # /_stcore/health: 200 "ok", 503 "warming up" (behind a proxy) or 503 "broken: ..."
    Middleware(ApiGuard),  # /api/...: a bad path or method gets the API's JSON error, not a plain-text one
    Middleware(NestedPathNotFound),  # /compare/x: a 404 page, not the app's index that would load blank
    Middleware(OEmbedDiscovery),  # a chart page's HTML names its oEmbed answer (a CMS embeds its link by itself)
    Middleware(VisitorActivity),  # the warm-up's views wait for a quiet moment (visitors first)
    Middleware(FirstRunAdmission),  # a burst of new sessions: a few first runs at a time, in order
]

app = st.App("app.py", routes=ROUTES, lifespan=LIFESPAN, middleware=MIDDLEWARE)
