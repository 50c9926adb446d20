"""Many people at once, at the protocol level (no browser): `python bench/load.py`.

Each simulated visitor opens a Streamlit session the way the browser does: a websocket to
`/_stcore/stream` (subprotocol `streamlit`), one `rerun_script` BackMsg carrying the page's name and
query string, then it reads ForwardMsgs until `script_finished`. Before that it GETs the page's HTML
and keeps its cookies (as a browser does; through nginx that is the affinity cookie). The time measured
is from that GET to `script_finished`: the time to the page's first complete run on the server, which is what a
browser waits for before it can draw the last element. Sessions stay open until the run ends (as
open tabs do), then close.

Modes
  (default)            start the app (`streamlit run server.py`, the serving configuration in
                       .streamlit/config.toml: the same command as `make run`) and the floor
                       (bench/bare_page.py drawing the same number and kind of elements from the same
                       CSV, same configuration), each one process; burst both; print the ratios.
  --serve N            also start `deploy/serve.py` (N app processes behind nginx) and burst it.
  --url URL            measure only a server you started (e.g. `make serve REPLICAS=2 PORT=8600`).
  --before             also burst the app with the first-run admission off: before/after in one run.
  --rates 1,2,3        after the burst, arrival runs at these rates (--duration s each): the highest
                       rate with p95 under 2x one session alone is reported as sustained.
  --rate R --duration T  arrival mode: R new sessions a second for T seconds (instead of a burst).
  --spike              chart images by URL through deploy/serve.py: 300 requests for one embedded chart and
                       300 for 30 distinct charts within 10 s each, against nginx serving the same bytes as
                       static files (bench/spike.py).
  --soak S             open and close sessions for S seconds (at --rate, default 2/s), sampling the
                       server's RSS every 10 s: memory without the forced GC must stay flat.

Every loop is bounded (sessions <= 2000, per-session timeout, overall deadline); it talks only to
127.0.0.1. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil  # the bench extra (pyproject.toml)

ROOT = Path(__file__).resolve().parents[1]
MAX_SESSIONS = 2000
ELEMENT_KINDS = ("metric", "vega_lite_chart", "dataframe", "deck_gl_json_chart", "table")


# ------------------------------------------------------------------------------------------- client
@dataclass
class Result:
    seconds: float | None = None  # to script_finished; None on error
    error: str = ""
    elements: Counter = field(default_factory=Counter)
    bytes: int = 0
    reported: bool = False
    first_msg: float | None = None  # to the server's first message (new_session): the run has started
    first_delta: float | None = None  # to the first element


def _rerun_msg(page: str) -> bytes:
    """The BackMsg a browser sends when it opens `page` (a path with an optional query string)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    parts = urllib.parse.urlsplit(page)
    msg = BackMsg()
    msg.rerun_script.query_string = parts.query
    msg.rerun_script.page_name = parts.path.strip("/")  # "" is the default page
    return msg.SerializeToString()


async def get_cookies(base: str, page: str) -> str:
    """GET the page's HTML as a browser does first; return its Set-Cookie pairs as a Cookie header
    (through nginx this carries the affinity cookie, so the websocket reaches the same process)."""
    u = urllib.parse.urlsplit(base)
    reader, writer = await asyncio.open_connection(u.hostname, u.port or 80)
    try:
        writer.write(
            f"GET {page} HTTP/1.1\r\nHost: {u.netloc}\r\nAccept: text/html\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        head, _, _ = (await reader.read(1 << 16)).partition(b"\r\n\r\n")
        for _ in range(1000):  # drain the body (bounded)
            if not await reader.read(1 << 16):
                break
    finally:
        writer.close()
    lines = head.decode("latin-1").split("\r\n")
    if not lines or " 200 " not in lines[0] + " ":
        raise ConnectionError(f"GET {page}: {lines[0] if lines else 'no answer'}")
    pairs = [ln.split(":", 1)[1].split(";", 1)[0].strip() for ln in lines[1:] if ln.lower().startswith("set-cookie:")]
    return "; ".join(pairs)


async def one_session(base: str, page: str, timeout: float, hold: asyncio.Event | None = None, reported=None) -> Result:
    """Open one session on `page` as a browser does (GET the page, then the websocket with the cookies
    it got); return the time to its first complete script run."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    ws_url = base.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    res = Result()
    t0 = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            cookie = await get_cookies(base, page)
            async with connect(
                ws_url,
                subprotocols=["streamlit"],
                max_size=None,
                open_timeout=timeout,
                ping_interval=None,
                compression=None,
                additional_headers={"Cookie": cookie} if cookie else None,
            ) as ws:
                await ws.send(_rerun_msg(page))
                for _ in range(100_000):  # bounded: a page sends far fewer messages
                    raw = await ws.recv()
                    res.bytes += len(raw)
                    fm = ForwardMsg()
                    fm.ParseFromString(raw)
                    kind = fm.WhichOneof("type")
                    if res.first_msg is None:
                        res.first_msg = time.perf_counter() - t0
                    if kind == "delta" and res.first_delta is None:
                        res.first_delta = time.perf_counter() - t0
                    if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                        el = fm.delta.new_element.WhichOneof("type")
                        res.elements[el] += 1
                        if el == "exception":
                            res.error = "exception shown: " + fm.delta.new_element.exception.type
                    elif kind == "page_not_found":
                        res.error = "page not found"
                    elif kind == "script_finished":
                        if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                            res.elements.clear()  # the script reran itself (st.rerun): wait for that run
                            continue
                        res.seconds = time.perf_counter() - t0
                        if fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                            res.error = "compile error"
                        break
                if reported is not None:
                    res.reported = True
                    reported()
                if hold is not None and res.seconds is not None:  # keep the tab open until all are done
                    await hold.wait()
    except TimeoutError:
        if res.seconds is None:
            res.error = res.error or f"timeout after {timeout:.0f} s"
    except Exception as exc:  # connection refused, closed, protocol error
        res.error = res.error or f"{type(exc).__name__}: {exc}"[:120]
    if res.error:
        res.seconds = None
    if reported is not None and not res.reported:
        reported()
    return res


async def arrivals(base: str, page: str, rate: float, duration: float, timeout: float) -> list[Result]:
    """`rate` new sessions a second for `duration` seconds; each closes when its page has run."""
    n = min(int(rate * duration), MAX_SESSIONS)
    tasks = []
    t0 = time.perf_counter()
    for i in range(n):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one_session(base, page, timeout)))
    return list(await asyncio.gather(*tasks))


# ------------------------------------------------------------------------------------------- stats
def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = max(0, min(len(xs) - 1, math.ceil(p / 100 * len(xs)) - 1))  # nearest rank
    return xs[k]


def summary(results: list[Result]) -> dict:
    ok = [r.seconds for r in results if r.seconds is not None]
    errors = Counter(r.error for r in results if r.error)
    els = Counter()
    for r in results:
        if r.seconds is not None:
            els = r.elements
            break
    first = [r.first_msg for r in results if r.seconds is not None]
    delta = [r.first_delta for r in results if r.seconds is not None and r.first_delta is not None]
    return {
        "n": len(results),
        "ok": len(ok),
        "p50": pct(ok, 50),
        "p95": pct(ok, 95),
        "first_p50": pct(first, 50),
        "first_p95": pct(first, 95),
        "delta_p50": pct(delta, 50),
        "delta_p95": pct(delta, 95),
        "max": max(ok) if ok else float("nan"),
        "min": min(ok) if ok else float("nan"),
        "errors": errors,
        "elements": els,
    }


def show(label: str, s: dict, rss: str = "", detail: bool = True) -> None:
    err = sum(s["errors"].values())
    print(
        f"  {label:<34} n={s['n']:<4} p50 {s['p50']:6.2f} s  p95 {s['p95']:6.2f} s  max {s['max']:6.2f} s  "
        f"min {s['min']:5.2f} s  errors {err}{rss}",
        flush=True,
    )
    if detail and "first_p50" in s:
        print(
            f"      (first message p50 {s['first_p50']:.2f} s p95 {s['first_p95']:.2f} s; first element "
            f"p50 {s['delta_p50']:.2f} s p95 {s['delta_p95']:.2f} s)"
        )
    for e, c in s["errors"].most_common(3):
        print(f"      {c} x {e}")


def elements_text(c: Counter) -> str:
    return ", ".join(f"{c[k]} {k}" for k in ELEMENT_KINDS if c[k]) or "none"


# ------------------------------------------------------------------------------------------- servers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            total += psutil.Process(pid).memory_info().rss / (1 << 20)
    return total


def server_pids(port: int) -> list[int]:
    """The app processes behind `port`: the listener itself, or, when that is nginx started by
    deploy/serve.py, the streamlit processes serve.py started."""
    listeners = []
    for p in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if any(
                c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port for c in p.net_connections("tcp")
            ):
                listeners.append(p)
    if any(p.name() == "nginx" for p in listeners):
        master = min(listeners, key=lambda p: p.pid)  # nginx's master started its workers
        parent = master.parent()
        apps = [c.pid for c in parent.children() if "streamlit" in " ".join(c.cmdline())] if parent else []
        return apps or [p.pid for p in listeners]
    return [p.pid for p in listeners]


def wait_health(url: str, proc: subprocess.Popen | None, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        time.sleep(0.2)
    raise RuntimeError(f"{url} not healthy after {seconds:.0f} s")


class Server:
    """One `streamlit run SCRIPT` process on a free port, with the repository's serving config."""

    def __init__(self, script: str, extra: list[str] | None = None, env_extra: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "THB_DATA_DIR"}  # the real data
        env.update(env_extra or {})
        # health says ok only once the warm-up is done (as behind a proxy), so every burst meets a warm
        # server; with one process `make run` answers ok at once and serves visitors during the warm-up
        env.setdefault("THB_HEALTH_GATE", "1")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                f"--server.port={self.port}",
                "--server.address=127.0.0.1",
                *(extra or []),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_health(self.url, self.proc)
        self.pids = [self.proc.pid]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Serve:
    """`deploy/serve.py`: N app processes behind nginx on one port (what `make serve` runs)."""

    def __init__(self, replicas: int, extra: list[str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "deploy/serve.py",
                "--replicas",
                str(replicas),
                "--port",
                str(self.port),
                *(["--"] + extra if extra else []),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_health(self.url, self.proc, 150)
        # the app processes are the serve.py's children running streamlit
        self.pids = server_pids(self.port)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# ------------------------------------------------------------------------------------------- runs
def run_load(url: str, page: str, args, pids: list[int]) -> dict:
    """--url mode: the first session, one alone, one burst (or arrival run), then the rates."""
    s0 = warm_and_single(url, page, args)
    rss0 = rss_mb(pids)
    if args.rate:
        res = asyncio.run(arrivals(url, page, args.rate, args.duration, args.timeout))
    else:
        res = asyncio.run(burst(url, page, args.sessions, args.timeout))
    s = summary(res)
    s.update(s0, rss0=rss0, rss1=rss_mb(pids))
    s["sustained"] = try_rates(url, page, args, s["single"]) if args.rates else None
    return s


async def burst(base: str, page: str, n: int, timeout: float) -> list[Result]:
    """n sessions opened at the same moment; each tab stays open until all have their page."""
    n = min(n, MAX_SESSIONS)
    hold, everyone = asyncio.Event(), asyncio.Event()
    left = n

    def reported() -> None:
        nonlocal left
        left -= 1
        if left == 0:
            everyone.set()

    tasks = [asyncio.create_task(one_session(base, page, timeout, hold, reported)) for _ in range(n)]
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout + 5):
            await everyone.wait()
    hold.set()
    return list(await asyncio.gather(*tasks))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="measure this running server (http://127.0.0.1:PORT) instead of starting one")
    ap.add_argument("--page", default="/", help="page path and query, e.g. '/compare?c=EE,LV' (default '/')")
    ap.add_argument("--sessions", type=int, default=30, help="burst size (default 30)")
    ap.add_argument("--rate", type=float, default=0, help="arrival mode: new sessions a second")
    ap.add_argument("--duration", type=float, default=60, help="arrival mode: seconds (default 60)")
    ap.add_argument(
        "--rates",
        default="",
        help="after the burst, try these arrival rates (e.g. 1,2,3) for "
        "--duration s each: the highest with p95 under 2x one session alone is 'sustained'",
    )
    ap.add_argument("--timeout", type=float, default=120, help="per session, seconds")
    ap.add_argument("--repeat", type=int, default=3, help="bursts per server, interleaved; medians reported")
    ap.add_argument("--serve", type=int, default=0, help="also measure deploy/serve.py with N replicas")
    ap.add_argument("--no-floor", action="store_true", help="skip the floor (bare page)")
    ap.add_argument(
        "--before",
        action="store_true",
        help="also measure the app with the first-run admission "
        "off (THB_FIRST_RUN_SLOTS=0): before and after in one run",
    )
    ap.add_argument("--spike", action="store_true", help="chart images: the news-spike benchmark (bench/spike.py)")
    ap.add_argument("--format", default="svg", choices=("svg", "png"), help="--spike: the image format (default svg)")
    ap.add_argument("--soak", type=float, default=0, help="soak for S seconds, sampling RSS")
    ap.add_argument("--pids", default="", help="with --url: server pids for RSS (default: who listens on the port)")
    ap.add_argument(
        "--flags",
        default="",
        help="extra streamlit flags for the servers it starts, as one argument, e.g. "
        "--flags='--server.fileWatcherType=auto --runner.postScriptGC=true' (the development defaults)",
    )
    args = ap.parse_args()
    if args.spike:  # its own schedule and floor (bench/spike.py); --serve sets the processes (default 2)
        sys.path.insert(0, str(ROOT))
        from bench import spike

        return spike.run(Serve, free_port, rss_mb, replicas=args.serve or 2, fmt=args.format)
    if args.sessions * args.repeat > MAX_SESSIONS or args.rate * args.duration > MAX_SESSIONS or args.repeat > 20:
        ap.error(f"at most {MAX_SESSIONS} sessions a run")
    if args.url and urllib.parse.urlsplit(args.url).hostname not in ("127.0.0.1", "localhost"):
        ap.error("talks only to 127.0.0.1")
    extra = args.flags.split()
    args.rates = [float(r) for r in args.rates.split(",") if r]
    if any(r * args.duration > MAX_SESSIONS or r <= 0 for r in args.rates):
        ap.error(f"each rate must be > 0 and at most {MAX_SESSIONS} sessions a run")

    load = os.getloadavg()
    print(
        f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        flush=True,
    )
    what = (
        f"soak, {args.rate or 2:g} new sessions/s for {args.soak:g} s"
        if args.soak
        else f"{args.rate:g} new sessions/s for {args.duration:g} s"
        if args.rate
        else f"{args.sessions} new sessions at once"
    )
    print(f"Page {args.page!r}: {what}; time = GET page -> script_finished", flush=True)

    if args.soak:
        return soak(args, extra)

    if args.url:
        port = urllib.parse.urlsplit(args.url).port or 80
        pids = [int(p) for p in args.pids.split(",") if p] or server_pids(port)
        r = run_load(args.url, args.page, args, pids)
        show(args.url, r, rss_line(r))
        print(f"      first session {r['first']:.2f} s, one session alone {r['single']:.2f} s")
        return 0

    # every server starts first and the bursts are interleaved (floor, app, ... then again), so
    # whatever else the machine is doing weighs on each configuration alike; medians over --repeat
    servers: dict[str, Server | Serve] = {}
    try:
        servers["app"] = Server("server.py", extra)
        probe = asyncio.run(one_session(servers["app"].url, args.page, args.timeout))
        counts = probe.elements
        print(f"  the page draws: {elements_text(counts)}", flush=True)
        if not args.no_floor:
            q = "&".join(
                f"{k}={counts[v]}"
                for k, v in (
                    ("metrics", "metric"),
                    ("charts", "vega_lite_chart"),
                    ("tables", "dataframe"),
                    ("maps", "deck_gl_json_chart"),
                )
            )
            servers["floor"] = Server("bench/bare_page.py", extra)
        if args.before:  # the same app with the first-run gate off (components/serve/admission.py)
            servers["off"] = Server("server.py", extra, {"THB_FIRST_RUN_SLOTS": "0"})
        if args.serve:
            servers["serve"] = Serve(args.serve, extra)
        pages = {k: ("/?" + q if k == "floor" else args.page) for k in servers}
        labels = {
            "floor": f"floor (bench/bare_page.py ?{q})" if not args.no_floor else "",
            "off": "app, one process, admission off",
            "app": "app, one process (server.py)",
            "serve": f"app, {args.serve} processes + nginx",
        }
        order = [k for k in ("floor", "off", "app", "serve") if k in servers]
        res: dict[str, dict] = {}
        for k in order:
            res[k] = warm_and_single(servers[k].url, pages[k], args)
            res[k]["rss0"] = rss_mb(servers[k].pids)
            res[k]["runs"] = []
        for i in range(args.repeat):
            for k in order:
                time.sleep(2)  # the previous burst's sessions close
                s = summary(asyncio.run(burst(servers[k].url, pages[k], args.sessions, args.timeout)))
                res[k]["runs"].append(s)
                res[k]["rss1"] = rss_mb(servers[k].pids)
                if args.repeat > 1:
                    show(f"run {i + 1}: {k}", s, detail=False)
        print(f"Burst of {args.sessions} (median of {args.repeat} runs of each, interleaved):")
        for k in order:
            r = res[k]
            m = {
                x: statistics.median(run[x] for run in r["runs"])
                for x in ("p50", "p95", "max", "min", "first_p50", "first_p95", "delta_p50", "delta_p95")
            }
            errs = Counter()
            for run in r["runs"]:
                errs.update(run["errors"])
            r.update(m, errors=errs, n=sum(run["n"] for run in r["runs"]))
            show(labels[k], r, rss_line(r))
            if k != "floor":
                print(f"      first session after start {r['first']:.2f} s, one session alone {r['single']:.2f} s")
            else:
                print(f"      draws: {elements_text(r['runs'][0]['elements'])}")
        for k in ("app", "serve"):
            if k in servers and args.rates:
                print(f"Arrival rates, {labels[k]}:")
                res[k]["sustained"] = try_rates(servers[k].url, pages[k], args, res[k]["single"])
    finally:
        for srv in servers.values():
            srv.stop()
    if args.rates:
        print(
            f"Arrival rate sustained for {args.duration:g} s (p95 < 2x one session alone): "
            + ", ".join(f"{labels[k]} {res[k]['sustained'] or 'none'}/s" for k in ("app", "serve") if k in res)
        )
    if "floor" in res:
        fp95 = res["floor"]["p95"]
        print(f"Ratios against the floor's p95 ({fp95:.2f} s):")
        if "off" in res:
            print(f"  admission off: p95 {res['off']['p95'] / fp95:.2f}x   p50 {res['off']['p50'] / fp95:.2f}x")
        print(
            f"  app: p95 {res['app']['p95'] / fp95:.2f}x (goal <= 1.2x)   p50 {res['app']['p50'] / fp95:.2f}x "
            "(goal <= 0.6x)"
        )
        if "serve" in res:
            print(
                f"  {args.serve} processes + nginx: p95 {res['serve']['p95'] / fp95:.2f}x (goal <= 0.7x)   "
                f"p50 {res['serve']['p50'] / fp95:.2f}x"
            )
    return 0


def warm_and_single(url: str, page: str, args) -> dict:
    """The first session after start, then one session alone (median of 3) on an idle server."""
    one = asyncio.run(one_session(url, page, args.timeout))
    if one.error:
        print(f"  first session on {url} failed: {one.error}")
    single = [
        r.seconds
        for r in (asyncio.run(one_session(url, page, args.timeout)) for _ in range(3))
        if r.seconds is not None
    ]
    return {
        "first": one.seconds if one.seconds is not None else float("nan"),
        "single": statistics.median(single) if single else float("nan"),
    }


def try_rates(url: str, page: str, args, single: float) -> float | None:
    """Arrival runs at each rate in order; the last rate whose p95 stayed under 2x one session alone."""
    sustained = None
    for rate in args.rates:
        time.sleep(3)
        r = summary(asyncio.run(arrivals(url, page, rate, args.duration, args.timeout)))
        ok = r["ok"] == r["n"] and r["p95"] < 2 * single
        print(
            f"      {rate:g} new sessions/s for {args.duration:g} s: p50 {r['p50']:.2f} s  p95 {r['p95']:.2f} s  "
            f"errors {sum(r['errors'].values())}  -> {'sustained' if ok else 'not sustained'} "
            f"(p95 < 2 x one session alone = {2 * single:.2f} s)",
            flush=True,
        )
        if not ok:
            break
        sustained = rate
    return sustained


def rss_line(s: dict) -> str:
    return f"   RSS {s['rss0']:.0f} -> {s['rss1']:.0f} MB"


def soak(args, extra: list[str]) -> int:
    rate = args.rate or 2.0
    srv = None
    if args.url:
        url = args.url
        pids = [int(p) for p in args.pids.split(",") if p] or server_pids(urllib.parse.urlsplit(url).port)
    else:
        srv = Server("server.py", extra)
        url, pids = srv.url, srv.pids
    print(f"Soak: {rate:g} new sessions/s for {args.soak:.0f} s against {url}; RSS of pids {pids} every 10 s")
    try:
        asyncio.run(one_session(url, args.page, args.timeout))
        t0 = time.perf_counter()
        samples = [(0.0, rss_mb(pids))]
        total, errors = 0, Counter()
        print(f"  {0:6.0f} s  RSS {samples[0][1]:7.1f} MB", flush=True)
        while time.perf_counter() - t0 < args.soak:
            chunk = min(10.0, args.soak - (time.perf_counter() - t0))
            if chunk * rate < 1:  # less than one more session's worth left
                break
            res = asyncio.run(arrivals(url, args.page, rate, chunk, args.timeout))
            total += len(res)
            errors.update(r.error for r in res if r.error)
            samples.append((time.perf_counter() - t0, rss_mb(pids)))
            ok = [r.seconds for r in res if r.seconds is not None]
            print(
                f"  {samples[-1][0]:6.0f} s  RSS {samples[-1][1]:7.1f} MB  sessions {total}  "
                f"p50 {pct(ok, 50):.2f} s  errors {sum(errors.values())}",
                flush=True,
            )
    finally:
        if srv:
            srv.stop()
    half = [m for t, m in samples if t >= samples[-1][0] / 2]
    print(
        f"RSS: start {samples[0][1]:.1f} MB, max {max(m for _, m in samples):.1f} MB, end {samples[-1][1]:.1f} MB; "
        f"second half {min(half):.1f}-{max(half):.1f} MB; {total} sessions, {sum(errors.values())} errors"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
