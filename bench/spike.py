"""A news spike served as pictures: `python bench/load.py --spike` (issue 30).

A news site embeds a chart image (/api/v1/view/<page>.svg, PNG for old browsers); its readers load it within minutes. Through
`deploy/serve.py --replicas 2` (what `make serve REPLICAS=2` runs: nginx, its API cache, two app processes):

  identical  300 requests for one embedded chart within 10 s. The newsroom fetched it once when it made the
             embed (its editor saw the picture), so the spike finds it in nginx's cache or revalidates it.
  distinct   300 requests for 30 charts none of which was asked before (6 views x 5 languages), 10 each,
             in a random order within 10 s: the first of each is drawn by Python, the rest wait for it or hit.

The floor: the same bytes, saved as files and served by a bare nginx (static files, same machine, same run,
same schedule). Each request is a new connection (a reader's browser) from its own loopback address (readers
come from many addresses; nginx's per-address limits apply to each), sent at its scheduled moment by its own
thread; the time is from connect to the last byte. Goals: identical p95 <= 2x the floor's p95, distinct p95
<= 1 s, 0 errors, the app processes' RSS flat (before vs after). Talks only to 127.0.0.1. Not part of `make test`.
"""

from __future__ import annotations

import http.client
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

NGINX = "/usr/sbin/nginx"
REQUESTS = 300
WINDOW_S = 10.0
# six chart views (the pages' own link parameters) in five languages: 30 distinct images
VIEWS = (
    "compare.{fmt}?ind=victims&per=2021",
    "compare.{fmt}?ind=victims&per=2022&m=pm",
    "trends.{fmt}?c=EE,LV,LT&ind=victims",
    "trends.{fmt}?c=EE,LT&ind=convicted",
    "map.{fmt}?per=2019",
    "map.{fmt}?per=2022",
)
LANGS = ("en", "et", "lv", "lt", "ru")
EMBEDDED = "compare.{fmt}?ind=victims&per=2022&lang=lv"
# What a reader's browser asks for: the embed snippet is a <picture> whose first source is the SVG, so every
# current browser loads the SVG and only a browser without SVG the PNG (--format png measures that case).
FORMAT = "svg"


def distinct_paths(fmt: str = FORMAT) -> list[str]:
    return [f"/api/v1/view/{v.format(fmt=fmt)}&lang={lang}" for v in VIEWS for lang in LANGS]


def reader_address(i: int) -> str:
    """A loopback address of its own for reader i (all of 127.0.0.0/8 is this machine): readers of a news
    site come from many addresses, so nginx's per-address limits see them as the many people they are."""
    return f"127.0.{1 + i // 250}.{2 + i % 250}"


def fetch(
    port: int, path: str, timeout: float = 30.0, source: str = "127.0.0.1"
) -> tuple[float | None, int, bytes, str]:
    """(seconds or None on error, status, body, X-Cache-Status) for one GET on a new connection from `source`."""
    t0 = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
        conn.request("GET", path, headers={"User-Agent": "thb-bench-spike"})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
    except OSError as exc:
        return None, 0, repr(exc).encode(), ""
    seconds = time.perf_counter() - t0
    ok = resp.status == 200
    return (seconds if ok else None), resp.status, body, resp.getheader("X-Cache-Status", "")


def spike(port: int, paths: list[str], window_s: float = WINDOW_S) -> list[tuple[float | None, int, bytes, str]]:
    """Each path requested at its own moment, evenly spread over the window, each by its own thread."""
    t0 = time.perf_counter() + 0.2
    step = window_s / len(paths)

    def at(i_path: tuple[int, str]):
        i, path = i_path
        time.sleep(max(0.0, t0 + i * step - time.perf_counter()))
        return fetch(port, path, source=reader_address(i))

    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        return list(pool.map(at, enumerate(paths)))


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))] if xs else float("nan")


def stats(results) -> dict:
    times = [r[0] for r in results if r[0] is not None]
    errors = [r[1] for r in results if r[0] is None]
    caches: dict[str, int] = {}
    for r in results:
        caches[r[3] or "-"] = caches.get(r[3] or "-", 0) + 1
    return {
        "n": len(results),
        "p50": statistics.median(times) if times else float("nan"),
        "p95": pct(times, 95),
        "max": max(times, default=float("nan")),
        "errors": errors,
        "cache": caches,
    }


def line(label: str, s: dict) -> str:
    cache = ", ".join(f"{k} {v}" for k, v in sorted(s["cache"].items()))
    by_status: dict[int, int] = {}
    for status in s["errors"]:
        by_status[status] = by_status.get(status, 0) + 1
    errors = ", ".join(f"{n} x {status or 'no answer'}" for status, n in sorted(by_status.items())) or "0"
    return (
        f"  {label:<34} n={s['n']}  p50 {s['p50'] * 1000:7.1f} ms  p95 {s['p95'] * 1000:7.1f} ms  "
        f"max {s['max'] * 1000:7.1f} ms  errors {errors}  cache: {cache}"
    )


class StaticNginx:
    """The floor: a bare nginx serving files from a folder (no app, no cache, no limits)."""

    def __init__(self, root: Path, port: int):
        self.port = port
        self.tmp = Path(tempfile.mkdtemp(prefix="thb-spike-floor-"))
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            f"worker_processes auto; pid {self.tmp}/nginx.pid; error_log stderr warn; daemon off;\n"
            "events { worker_connections 4096; }\n"
            "http { access_log off; types { image/png png; image/svg+xml svg; }\n"
            f"  client_body_temp_path {self.tmp}/b; proxy_temp_path {self.tmp}/p; fastcgi_temp_path {self.tmp}/f;\n"
            f"  uwsgi_temp_path {self.tmp}/u; scgi_temp_path {self.tmp}/s;\n"
            f"  server {{ listen 127.0.0.1:{port}; root {root}; }} }}\n"
        )
        self.proc = subprocess.Popen([NGINX, "-c", str(conf), "-e", "stderr"], stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while fetch(port, "/", 1.0)[1] not in (200, 403, 404):
            if time.time() > deadline:
                raise RuntimeError("the floor's nginx did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.tmp, ignore_errors=True)


def run(serve_class, free_port, rss_mb, replicas: int = 2, seed: int = 7, fmt: str = FORMAT) -> int:
    """Start make serve's configuration (bench/load.py's Serve), run both spikes, then the floor with the same
    bytes; print the goals. Returns 0 when every goal is met."""
    random.seed(seed)
    embedded = EMBEDDED.format(fmt=fmt)
    serve = serve_class(replicas)
    port = serve.port
    try:
        # the newsroom made its embed: one request for the embedded chart before the spike
        _, status, embedded_bytes, _ = fetch(port, f"/api/v1/view/{embedded}", 60)
        if status != 200:
            raise RuntimeError(f"the embedded chart answered {status}: {embedded_bytes[:200]!r}")
        time.sleep(2)
        rss0 = rss_mb(serve.pids)
        same = spike(port, [f"/api/v1/view/{embedded}"] * REQUESTS)
        rss_same = rss_mb(serve.pids)
        paths = distinct_paths(fmt) * (REQUESTS // len(VIEWS) // len(LANGS))
        random.shuffle(paths)
        many = spike(port, paths)
        time.sleep(2)
        rss1 = rss_mb(serve.pids)
        bodies = {}
        for p, r in zip(paths, many, strict=True):
            if r[1] == 200:
                bodies.setdefault(p, r[2])
    finally:
        serve.stop()

    # the floor: the very bytes served above, as static files
    folder = Path(tempfile.mkdtemp(prefix="thb-spike-files-"))
    folder.chmod(0o755)  # nginx's workers (nobody, when run as root) read it
    names = {p: f"{i}.{fmt}" for i, p in enumerate(sorted(bodies))}
    (folder / f"0.{fmt}").write_bytes(embedded_bytes)
    for p, name in names.items():
        (folder / f"d{name}").write_bytes(bodies[p])
    floor = StaticNginx(folder, free_port())
    try:
        floor_same = spike(floor.port, [f"/0.{fmt}"] * REQUESTS)
        floor_many = spike(floor.port, [f"/d{names[p]}" if p in names else f"/0.{fmt}" for p in paths])
    finally:
        floor.stop()
        shutil.rmtree(folder, ignore_errors=True)

    s_same, s_many, f_same, f_many = stats(same), stats(many), stats(floor_same), stats(floor_many)
    print(f"Spike: {REQUESTS} image requests within {WINDOW_S:g} s, through deploy/serve.py --replicas {replicas}")
    print(f"  embedded chart: /api/v1/view/{embedded} ({len(embedded_bytes):,} bytes)")
    print(line("identical chart, served", s_same))
    print(line("identical chart, floor (static)", f_same))
    print(line(f"{len(bodies)} distinct charts, served", s_many))
    print(line(f"{len(bodies)} distinct charts, floor (static)", f_many))
    print(
        f"  app RSS (both processes) {rss0:.0f} MB before, {rss_same:.0f} MB after the identical spike "
        f"({rss_same - rss0:+.0f} MB), {rss1:.0f} MB after the distinct one ({rss1 - rss_same:+.0f} MB: the renders)"
    )
    ratio = s_same["p95"] / f_same["p95"]
    goals = [
        (f"identical p95 / floor p95 = {ratio:.2f} (goal <= 2)", ratio <= 2),
        (f"distinct p95 = {s_many['p95']:.2f} s (goal <= 1 s)", s_many["p95"] <= 1.0),
        (f"errors = {len(s_same['errors']) + len(s_many['errors'])} (goal 0)", not s_same["errors"] + s_many["errors"]),
        (
            f"RSS in the identical spike {rss_same - rss0:+.0f} MB (goal flat: within 10 %)",
            abs(rss_same - rss0) <= 0.1 * rss0,
        ),
    ]
    for text, ok in goals:
        print(f"  {'met' if ok else 'MISSED'}: {text}")
    return 0 if all(ok for _, ok in goals) else 1
