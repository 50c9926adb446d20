"""The server entry: the Streamlit app (app.py, the frame and its pages) plus start-up work and HTTP
routes served beside it by the same process. `make run` starts it (`streamlit run server.py`).

Why a second file: `st.App` wraps the script Streamlit re-runs for every session (app.py); it must
not be built inside that script.
"""

import streamlit as st

from components.api import ROUTES  # extra HTTP routes beside the app: the read-only data API under /api/v1/
LIFESPAN = None  # start-up work (e.g. loading the dataset before the first visitor)

app = st.App("app.py", routes=ROUTES, lifespan=LIFESPAN)
