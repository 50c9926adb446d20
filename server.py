"""The server entry: the Streamlit app (app.py, the frame and its pages) plus start-up work and HTTP
routes served beside it by the same process. `make run` starts it (`streamlit run server.py`).

Why a second file: `st.App` wraps the script Streamlit re-runs for every session (app.py); it must
not be built inside that script.
"""

import streamlit as st
from starlette.middleware import Middleware

from components.admission import FirstRunAdmission
from components.warmup import HealthGate, VisitorActivity, make_lifespan

from components.api import ROUTES  # extra HTTP routes beside the app: the read-only data API under /api/v1/

# start-up work: load the dataset, build the options index and run the default views once, so the
# first visitor pays no more than the second (components/warmup.py)
LIFESPAN = make_lifespan()
MIDDLEWARE = [
    Middleware(HealthGate),  # /_stcore/health says 503 "warming up" until the warm-up is done
    Middleware(VisitorActivity),  # the warm-up's views wait for a quiet moment (visitors first)
    Middleware(FirstRunAdmission),  # a burst of new sessions: a few first runs at a time, in order
]

app = st.App("app.py", routes=ROUTES, lifespan=LIFESPAN, middleware=MIDDLEWARE)
