"""Time a view's first and second build in one process, as a page and as the data API get it (real data).

    python bench/store.py [--runs 3]

Each scenario runs in a fresh process with the dataset and its options already loaded (that cost is printed
on its own), then times, in order, the requests its name lists: "page" is the page's Figures for the view
(the Streamlit side's cached call, outside a browser), "api" a GET of /api/v1/view/<page>.csv for the same
view, "api.json" the same view as JSON (another answer body, the same rows). Medians over `--runs` processes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

VIEWS = {
    "compare": "ind=victims&per=2022&bd=exploitation",
    "trends": "c=EE,LT&ind=convicted&yr=2008-2022",
    "map": "per=2021",
}
SCENARIOS = {
    "page, page": ("page", "page"),
    "api, api": ("api", "api"),
    "api, api.json": ("api", "api.json"),
    "page, api": ("page", "api"),
    "api, page": ("api", "page"),
}


def _child(page: str, query: str, steps: list[str]) -> dict:
    """One process: load what both sides need, then time each step."""
    import logging
    import os
    from urllib.parse import parse_qsl

    logging.disable(logging.WARNING)  # Streamlit's warnings outside a server
    os.environ["THB_DATA_DIR"] = str(ROOT / "data")
    sys.path.insert(0, str(ROOT))
    import altair  # noqa: F401
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from components.serve import api
    from components.view.state import ViewState

    try:  # after: the Streamlit side is a thin wrapper around one store
        from components.ui import page_data as ui
    except ImportError:  # before: the app's own caches
        from components.ui import store as ui
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    ds = ui.load_dataset()
    opts = ui.options(ds)
    api.state().options  # noqa: B018  (before: the API's own copy; after: the same one)
    out["load"] = time.perf_counter() - t0
    view, _ = ViewState.from_query(dict(parse_qsl(query)), opts, page)
    client = TestClient(Starlette(routes=api.ROUTES))
    for i, step in enumerate(steps):
        t0 = time.perf_counter()
        if step == "page":
            (ui.page_build if hasattr(ui, "page_build") else ui.figures)(ds, view, opts)
        else:
            fmt = "json" if step == "api.json" else "csv"
            r = client.get(f"/api/v1/view/{page}.{fmt}?{query}")
            assert r.status_code == 200, r.text[:200]
        out[f"{i}:{step}"] = time.perf_counter() - t0
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        page, query, steps = a.child
        print(json.dumps(_child(page, query, steps.split(","))))
        return
    print(f"{'view':<9} {'scenario':<15} {'load':>8} {'first':>9} {'second':>9}   (seconds, median of {a.runs})")
    for page, query in VIEWS.items():
        for name, steps in SCENARIOS.items():
            runs = []
            for _ in range(a.runs):
                p = subprocess.run(
                    [sys.executable, __file__, "--child", page, query, ",".join(steps)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                )
                runs.append(json.loads(p.stdout.strip().splitlines()[-1]))
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            first, second = med[f"0:{steps[0]}"], med[f"1:{steps[1]}"]
            print(f"{page:<9} {name:<15} {med['load']:8.3f} {first:9.3f} {second:9.3f}", flush=True)


if __name__ == "__main__":
    main()
