"""Several app processes behind nginx on one port: `make serve REPLICAS=N PORT=P` runs
`python deploy/serve.py --replicas N --port P`.

- Starts N `streamlit run server.py` processes on free ports on 127.0.0.1 (the serving configuration
  in .streamlit/config.toml), all with the same `server.cookieSecret` (from STREAMLIT_SERVER_COOKIE_SECRET
  if set, else a random one for this run), so a cookie one process signs is valid on the others.
- Renders deploy/nginx.conf.template into a temporary folder (pid, temp paths and config live there;
  nothing system-wide is touched) and runs Debian's nginx in the foreground as a child process,
  listening on PORT, with cookie-based session affinity (see the template).
- Health: each process's /_stcore/health says one of three things: 200 "ok" (ready), 503 "warming up"
  or 503 "broken: ..." (its dataset fails its checks). serve.py waits until every process is ready (or
  broken: readers then get its clear error page) before nginx starts, then checks each process every 5 s.
  It restarts only a process that exited, one that says "broken" 3 times in a row (then waits longer
  before each further restart: 1, 2, 4 ... up to 10 minutes, since a restart cannot mend a broken file;
  the process also re-reads the files by itself when they change), one that stops answering for
  HUNG_CHECKS checks in a row after it was ready, and one still warming up after --start-timeout. A
  warming process is never restarted for being warm-up slow under load: its warm-up waits for quiet
  moments (components/serve/warmup.py), and that is what it should do. nginx meanwhile skips a process that
  refuses, fails or says 503 (passive checks, `max_fails`); its own /_stcore/health is ok while at least
  one process is.
- Limits (deploy/README.md): the rendered nginx.conf bounds each client address's connections (the front,
  when nginx has its stream module) and requests, and times out slow headers and bodies; its connection
  slots and file descriptors are sized from this machine's limit (`ulimit -Hn`).
- Ctrl-C or SIGTERM stops nginx and the processes and removes the temporary folder.

The app writes no data: the processes only read data/. Extra arguments after `--` go to every
`streamlit run`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
CHECK_EVERY_S = 5.0
CHECK_TIMEOUT_S = 5.0  # a busy process may answer slowly: slow is not dead
BROKEN_CHECKS = 3  # "broken" this many checks in a row: restart
HUNG_CHECKS = 6  # no answer this many checks in a row (about a minute), after it was ready: restart
BROKEN_BACKOFF_S = (60.0, 600.0)  # wait before the next restart of a still-broken process: 1 min, doubling, 10 max
STREAM_MODULES = ("/usr/lib/nginx/modules/ngx_stream_module.so", "/usr/share/nginx/modules/ngx_stream_module.so")
CONN_PER_CLIENT = 512  # open connections per client address at the front (a training room behind one address)
APP_CONN_PER_CLIENT = 256  # app requests in progress per address (websockets included)
API_CONN_PER_CLIENT = 16  # API requests in progress per address
API_CACHE_SIZE = "512m"  # nginx's cache of API answers and chart images, on disk under the temp folder
API_CACHE_CONF = Path(__file__).with_name("api_cache.conf")  # included by both API locations of the template
MAX_WORKER_CONNECTIONS = 16384
FD_RESERVE = 128  # descriptors per worker kept for logs, temp files and the listening sockets


def log(msg: str) -> None:
    print(f"[serve] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def probe(url: str, timeout: float = CHECK_TIMEOUT_S) -> tuple[str, str]:
    """(state, detail) of one process: "ready", "warming", "broken" or "no answer"."""
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=timeout) as r:
            body = r.read(400)
            return ("ready", "") if r.status == 200 and body == b"ok" else ("broken", f"{r.status} {body[:80]!r}")
    except urllib.error.HTTPError as e:
        body = e.read(400) if e.fp else b""
        if e.code == 503 and body.startswith(b"warming up"):
            return "warming", ""
        return "broken", body.decode("utf-8", "replace")[:200] or str(e.code)
    except (OSError, ValueError) as e:  # refused, reset, timed out: not (yet) answering
        return "no answer", type(e).__name__


def healthy(url: str, timeout: float = 2.0) -> bool:
    return probe(url, timeout)[0] == "ready"


class Replica:
    def __init__(self, index: int, port: int, env: dict, extra: list[str], start_timeout: float = 180.0):
        self.index, self.port, self.env, self.extra = index, port, env, extra
        self.url = f"http://127.0.0.1:{port}"
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.state = "starting"
        self.was_ready = False
        self.broken_checks = self.silent_checks = 0
        self.broken_backoff = BROKEN_BACKOFF_S[0]
        self.next_broken_restart = 0.0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "server.py",
                f"--server.port={self.port}",
                "--server.address=127.0.0.1",
                *self.extra,
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )  # own group: Ctrl-C goes through us
        self.started_at = time.monotonic()
        self.state, self.was_ready = "starting", False
        self.broken_checks = self.silent_checks = 0

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def decide(self, dead: bool, state: str, now: float) -> str | None:
        """Why to restart this process now, or None (wait). Pure: the rules, given one check's result."""
        if dead:
            return "exited"
        self.state = state
        if state == "ready":
            self.was_ready = True
            self.broken_checks = self.silent_checks = 0
            self.broken_backoff = BROKEN_BACKOFF_S[0]
            return None
        if state == "broken":
            self.broken_checks += 1
            self.silent_checks = 0
            if self.broken_checks >= BROKEN_CHECKS and now >= self.next_broken_restart:
                self.next_broken_restart = now + self.broken_backoff
                self.broken_backoff = min(self.broken_backoff * 2, BROKEN_BACKOFF_S[1])
                return "broken"
            return None
        if state == "no answer" and self.was_ready:
            self.silent_checks += 1
            return "stopped answering" if self.silent_checks >= HUNG_CHECKS else None
        # warming up, or not answering yet since its start: wait, within the bound
        if not self.was_ready and now - self.started_at > self.start_timeout:
            return f"still {'warming up' if state == 'warming' else 'not answering'} after {self.start_timeout:.0f} s"
        return None


def fill(template: str, **values: str) -> str:
    """Replace each {{NAME}} in the template (nginx's own `$variables` stay as they are)."""
    for k, v in values.items():
        template = template.replace("{{" + k + "}}", v)
    left = re.findall(r"\{\{[A-Z_]+\}\}", template)
    if left:
        raise ValueError(f"unfilled placeholders in {TEMPLATE.name}: {left}")
    return template


def stream_module() -> str | None:
    """Debian's nginx stream module (libnginx-mod-stream), which the per-client front needs; None without it."""
    return next((m for m in STREAM_MODULES if Path(m).exists()), None)


def fd_budget() -> tuple[int, int]:
    """(worker_rlimit_nofile, worker_connections) within this machine's limit on open files (`ulimit -Hn`)."""
    import resource

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    hard = 1 << 20 if hard == resource.RLIM_INFINITY else hard
    connections = max(64, min(MAX_WORKER_CONNECTIONS, hard - FD_RESERVE))
    return min(hard, connections + FD_RESERVE), connections


def keep_front(template: str, front: bool) -> str:
    """The lines between `#<front>` and `#</front>` kept (markers dropped) or removed."""
    out, inside = [], False
    for line in template.splitlines(keepends=True):
        tag = line.strip()
        if tag.startswith("#<front>"):
            inside = True
            continue
        if tag.startswith("#</front>"):
            inside = False
            continue
        if front or not inside:
            out.append(line)
    return "".join(out)


def render_conf(
    tmp: Path,
    port: int,
    host: str,
    replicas: list[Replica],
    access_log: bool,
    conn_per_client: int = CONN_PER_CLIENT,
    module: str | None = "auto",
) -> Path:
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "api_cache"):
        (tmp / sub).mkdir()
    user_line = ""
    if os.geteuid() == 0:  # nginx's workers drop root: give them the temp folder
        import grp
        import pwd

        user, group = "nobody", "nogroup"
        with contextlib.suppress(KeyError):
            uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
            os.chmod(tmp, 0o755)
            for sub in tmp.iterdir():
                os.chown(sub, uid, gid)
            user_line = f"user {user} {group};"
    servers = "\n".join(f"        server 127.0.0.1:{r.port} max_fails=3 fail_timeout=10s;" for r in replicas)
    module = stream_module() if module == "auto" else module
    rlimit, connections = fd_budget()
    listen = f"{host}:{port}"
    conf = fill(
        keep_front(TEMPLATE.read_text(), module is not None),
        USER_LINE=user_line,
        WORKERS="auto",
        TMP=str(tmp),
        UPSTREAM_SERVERS=servers,
        LISTEN=listen,
        REPLICAS=str(len(replicas)),
        ACCESS_LOG="/dev/stdout" if access_log else "off",
        STREAM_MODULE=module or "",
        HTTP_LISTEN=f"unix:{tmp}/http.sock proxy_protocol" if module else listen,
        RLIMIT_NOFILE=str(rlimit),
        WORKER_CONNECTIONS=str(connections),
        CONN_PER_CLIENT=str(conn_per_client),
        APP_CONN_PER_CLIENT=str(APP_CONN_PER_CLIENT),
        API_CONN_PER_CLIENT=str(API_CONN_PER_CLIENT),
        API_CACHE_SIZE=API_CACHE_SIZE,
        API_CACHE_CONF=str(API_CACHE_CONF),
    )
    path = tmp / "nginx.conf"
    path.write_text(conf)
    return path


def check_all(replicas: list[Replica]) -> list[tuple[str, str]]:
    """One health check of every process at once (each may take up to CHECK_TIMEOUT_S)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(replicas)) as pool:
        return list(pool.map(lambda r: probe(r.url), replicas))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8501)
    ap.add_argument("--host", default="127.0.0.1", help="address nginx listens on (0.0.0.0 for all)")
    ap.add_argument("--access-log", action="store_true", help="nginx access log to stdout")
    ap.add_argument(
        "--start-timeout",
        type=float,
        default=180.0,
        help="seconds a process may take to start and warm up before it is restarted",
    )
    ap.add_argument(
        "--conn-per-client",
        type=int,
        default=CONN_PER_CLIENT,
        help="open connections per client address at the front (needs nginx's stream module)",
    )
    ap.add_argument("extra", nargs="*", help="after --: extra flags for every `streamlit run`")
    a = ap.parse_args()
    if not NGINX:
        log("nginx not found: install Debian's package (apt-get install nginx)")
        return 2
    if not 1 <= a.replicas <= 32:
        ap.error("--replicas must be 1..32")

    env = dict(os.environ)
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))  # one secret for all
    env["THB_HEALTH_GATE"] = "1"  # a warming process says 503 on health: nginx sends visitors to the others
    replicas = [Replica(i, free_port(), env, a.extra, a.start_timeout) for i in range(a.replicas)]
    tmp = Path(tempfile.mkdtemp(prefix="thb-serve-"))
    nginx: subprocess.Popen | None = None
    stopping = False

    def on_signal(_signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        for r in replicas:
            r.start()
        log(f"started {len(replicas)} app processes on ports {', '.join(str(r.port) for r in replicas)}; warming up")
        deadline = time.time() + a.start_timeout
        pending = set(range(len(replicas)))
        while pending and not stopping:
            for i in list(pending):
                if replicas[i].proc.poll() is not None:
                    log(f"app process {i} exited with {replicas[i].proc.returncode} while starting")
                    return 1
                state, detail = probe(replicas[i].url, 2.0)
                if state in ("ready", "broken"):
                    pending.discard(i)
                    replicas[i].decide(False, state, time.monotonic())
                if state == "broken":
                    log(f"app process {i} is broken ({detail}): readers who reach it get its error page")
            if time.time() > deadline:
                log(f"app processes {sorted(pending)} not healthy after {a.start_timeout:.0f} s")
                return 1
            time.sleep(0.25)
        if stopping:
            return 0
        conf = render_conf(tmp, a.port, a.host, replicas, a.access_log, a.conn_per_client)
        if not stream_module():
            log(
                "nginx has no stream module (apt-get install libnginx-mod-stream): no per-client connection "
                "limit at the front; the other limits apply"
            )
        nginx = subprocess.Popen([NGINX, "-e", "stderr", "-p", str(tmp), "-c", str(conf)], start_new_session=True)
        for _ in range(100):  # bounded: nginx binds in milliseconds
            if nginx.poll() is not None:
                log(f"nginx exited with {nginx.returncode} (port {a.port} in use?)")
                return 1
            if healthy(f"http://127.0.0.1:{a.port}", 1.0):
                break
            time.sleep(0.1)
        log(
            f"ready: http://{'localhost' if a.host in ('127.0.0.1', '0.0.0.0') else a.host}:{a.port} "
            f"(nginx, {len(replicas)} processes, cookie affinity; config {conf})"
        )
        last = time.time()
        while not stopping:
            time.sleep(0.2)
            if nginx.poll() is not None:
                log(f"nginx exited with {nginx.returncode}")
                return 1
            if time.time() - last < CHECK_EVERY_S:
                continue
            last = time.time()
            results = check_all(replicas)
            for r, (state, detail) in zip(replicas, results):
                before = r.state
                why = r.decide(r.proc.poll() is not None, state, time.monotonic())
                if why is None:
                    if state != before and state != "no answer":
                        log(f"app process {r.index}: {state}" + (f" ({detail})" if detail else ""))
                    continue
                log(
                    f"app process {r.index} {why}"
                    + (f" ({detail})" if detail and why == "broken" else "")
                    + ": restarting"
                )
                r.stop()
                r.start()
        return 0
    finally:
        if nginx and nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                nginx.wait(10)
            except subprocess.TimeoutExpired:
                nginx.kill()
        for r in replicas:
            r.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        log("stopped")


if __name__ == "__main__":
    sys.exit(main())
