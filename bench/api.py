"""Time the data API on the real server (`streamlit run server.py`, real data), as a script would call it.

    python bench/api.py [--runs 7]

Prints, per endpoint: the fresh server's first answer (dataset load + options index + query), a first
answer for a new query on a warm server (the pandas work), a repeated answer (cached body) and a 304
(If-None-Match). Medians over `--runs` distinct or repeated requests. Talks only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import run_server  # noqa: E402

V = "/api/v1"
# endpoint -> distinct queries for the "new query" figure (each answered once, uncached)
CASES = {
    "view/compare.csv": [f"?ind=victims&per={y}&bd=exploitation" for y in range(2012, 2023)],
    "view/trends.csv": [f"?c=EE,LT&ind=convicted&yr={y}-2022" for y in range(2005, 2016)],
    "view/map.csv": [f"?per={y}" for y in range(2012, 2023)],
    "figures.csv": [f"?country=EE&from={y}&to={y}" for y in range(2010, 2021)],
    "figures.json": [f"?country=LV&from={y}&to={y}" for y in range(2010, 2021)],
    "thb_baltic.csv": [""],
    "datapackage.json": [""],
}


def fetch(url: str, headers: dict | None = None) -> tuple[int, float, int]:
    t0 = time.perf_counter()
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            body, status, tag = r.read(), r.status, r.headers.get("ETag")
    except urllib.error.HTTPError as e:
        body, status, tag = e.read(), e.code, e.headers.get("ETag")
    return status, time.perf_counter() - t0, (tag, len(body))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    n = ap.parse_args().runs
    with run_server("bench-api-server.log", script="server.py") as base:
        status, first, _ = fetch(base + V + "/view/compare.csv?ind=victims&per=2022&bd=exploitation")
        print(f"fresh server, first request (view/compare.csv): {first:.3f} s (status {status})")
        print(f"{'endpoint':<20} {'new query':>10} {'repeat':>10} {'304':>10} {'size':>10}")
        for ep, queries in CASES.items():
            new = [fetch(base + f"{V}/{ep}{qs}")[1] for qs in queries[1 : n + 1]] or [float("nan")]
            _, _, (tag, size) = fetch(base + f"{V}/{ep}{queries[0]}")
            rep = [fetch(base + f"{V}/{ep}{queries[0]}")[1] for _ in range(n)]
            nm = [fetch(base + f"{V}/{ep}{queries[0]}", {"If-None-Match": tag})[1] for _ in range(n)]
            med = statistics.median
            new_txt = f"{med(new) * 1000:>8.0f}ms" if len(queries) > 1 else f"{'-':>10}"
            print(f"{ep:<20} {new_txt} {med(rep) * 1000:>8.1f}ms {med(nm) * 1000:>8.1f}ms {size:>10,}")


if __name__ == "__main__":
    main()
