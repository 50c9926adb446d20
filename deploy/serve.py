"""Several app processes behind nginx on one port: `make serve REPLICAS=N PORT=P` runs
`python deploy/serve.py --replicas N --port P`.

- Starts N `streamlit run server.py` processes on free ports on 127.0.0.1 (the serving configuration
  in .streamlit/config.toml), all with the same `server.cookieSecret` (from STREAMLIT_SERVER_COOKIE_SECRET
  if set, else a random one for this run), so a cookie one process signs is valid on the others.
- Renders deploy/nginx.conf.template into a temporary folder (pid, temp paths and config live there;
  nothing system-wide is touched) and runs Debian's nginx in the foreground as a child process,
  listening on PORT, with cookie-based session affinity (see the template).
- Health: waits until every process answers ok on /_stcore/health (after its warm-up) before nginx
  starts; then checks each process every 5 s and restarts one that died or failed 3 checks in a row
  (nginx meanwhile skips it: passive checks, `max_fails`). nginx's /_stcore/health is ok while at least
  one process is healthy.
- Ctrl-C or SIGTERM stops nginx and the processes and removes the temporary folder.

The app writes no data: the processes only read data/. Extra arguments after `--` go to every
`streamlit run`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
CHECK_EVERY_S = 5.0
FAILS_TO_RESTART = 3


def log(msg: str) -> None:
    print(f"[serve] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=timeout) as r:
            return r.status == 200 and r.read() == b"ok"
    except OSError:
        return False


class Replica:
    def __init__(self, index: int, port: int, env: dict, extra: list[str]):
        self.index, self.port, self.env, self.extra = index, port, env, extra
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.fails = 0
        self.restarts = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "server.py", f"--server.port={self.port}",
             "--server.address=127.0.0.1", *self.extra],
            cwd=ROOT, env=self.env, start_new_session=True)  # own group: Ctrl-C goes through us
        self.fails = 0

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def fill(template: str, **values: str) -> str:
    """Replace each {{NAME}} in the template (nginx's own `$variables` stay as they are)."""
    for k, v in values.items():
        template = template.replace("{{" + k + "}}", v)
    left = re.findall(r"\{\{[A-Z_]+\}\}", template)
    if left:
        raise ValueError(f"unfilled placeholders in {TEMPLATE.name}: {left}")
    return template


def render_conf(tmp: Path, port: int, host: str, replicas: list[Replica], access_log: bool) -> Path:
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
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
    conf = fill(TEMPLATE.read_text(), USER_LINE=user_line, WORKERS="auto", TMP=str(tmp),
                UPSTREAM_SERVERS=servers, LISTEN=f"{host}:{port}", REPLICAS=str(len(replicas)),
                ACCESS_LOG="/dev/stdout" if access_log else "off")
    path = tmp / "nginx.conf"
    path.write_text(conf)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8501)
    ap.add_argument("--host", default="127.0.0.1", help="address nginx listens on (0.0.0.0 for all)")
    ap.add_argument("--access-log", action="store_true", help="nginx access log to stdout")
    ap.add_argument("--start-timeout", type=float, default=180.0)
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
    replicas = [Replica(i, free_port(), env, a.extra) for i in range(a.replicas)]
    tmp = Path(tempfile.mkdtemp(prefix="thb-serve-"))
    nginx: subprocess.Popen | None = None
    stopping = False

    def on_signal(signum, _frame):
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
                if healthy(replicas[i].url):
                    pending.discard(i)
            if time.time() > deadline:
                log(f"app processes {sorted(pending)} not healthy after {a.start_timeout:.0f} s")
                return 1
            time.sleep(0.25)
        if stopping:
            return 0
        conf = render_conf(tmp, a.port, a.host, replicas, a.access_log)
        nginx = subprocess.Popen([NGINX, "-e", "stderr", "-p", str(tmp), "-c", str(conf)], start_new_session=True)
        for _ in range(100):  # bounded: nginx binds in milliseconds
            if nginx.poll() is not None:
                log(f"nginx exited with {nginx.returncode} (port {a.port} in use?)")
                return 1
            if healthy(f"http://127.0.0.1:{a.port}", 1.0):
                break
            time.sleep(0.1)
        log(f"ready: http://{'localhost' if a.host in ('127.0.0.1', '0.0.0.0') else a.host}:{a.port} "
            f"(nginx, {len(replicas)} processes, cookie affinity; config {conf})")
        last = time.time()
        while not stopping:
            time.sleep(0.2)
            if nginx.poll() is not None:
                log(f"nginx exited with {nginx.returncode}")
                return 1
            if time.time() - last < CHECK_EVERY_S:
                continue
            last = time.time()
            for r in replicas:
                dead = r.proc.poll() is not None
                if not dead:
                    r.fails = 0 if healthy(r.url) else r.fails + 1
                if dead or r.fails >= FAILS_TO_RESTART:
                    log(f"app process {r.index} {'exited' if dead else 'failed its health checks'}: restarting")
                    r.stop()
                    r.restarts += 1
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
