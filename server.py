"""The server entry: the Streamlit app (app.py, the frame and its pages) plus start-up work and HTTP
routes served beside it by the same process. `make run` starts it (`streamlit run server.py`).

Why a second file: `st.App` wraps the script Streamlit re-runs for every session (app.py); it must
not be built inside that script.
"""

import contextlib

import streamlit as st
from starlette.middleware import Middleware

from components.serve import connections, log_limit
from components.serve.admission import FirstRunAdmission
from components.serve.api import ROUTES, ApiGuard  # the read-only data API under /api/v1/, and its error format
from components.serve.oembed_link import OEmbedDiscovery
from components.serve.warmup import HealthGate, VisitorActivity, make_lifespan
from components.ui.not_found import NestedPathNotFound

# limits on open connections and on the wait for a request's head (components/serve/connections.py): slow or
# numerous clients cannot exhaust the process; its log gets one line per condition per interval
connections.install()
log_limit.limit("uvicorn.error", "asyncio")

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
