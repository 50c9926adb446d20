"""The serving pieces without a server: first-run admission, the warm-up health gate, the nginx
configuration serve.py renders (checked by nginx itself when it is installed), and the commands."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import tempfile
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from components.serve import warmup
from components.serve.admission import FirstRunAdmission, _is_run_end

ROOT = Path(__file__).resolve().parents[2]


def _finished(status=ForwardMsg.FINISHED_SUCCESSFULLY) -> bytes:
    m = ForwardMsg()
    m.script_finished = status
    return m.SerializeToString()


class FakeStreamlit:
    """Stands for Streamlit's ASGI app: a websocket session reads its first message (the rerun),
    then 'runs' until the test lets it finish, then sends script_finished."""

    def __init__(self):
        self.started: list[int] = []
        self.finish = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
            return
        sid = scope["sid"]
        await receive()  # the rerun BackMsg
        self.started.append(sid)
        self.finish[sid] = asyncio.Event()
        await self.finish[sid].wait()
        await send({"type": "websocket.send", "bytes": b"x" * 2000})  # a big delta: not parsed
        await send({"type": "websocket.send", "bytes": _finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN)})
        await send({"type": "websocket.send", "bytes": _finished()})
        await receive()  # a later message (a widget change) is never held
        self.started.append(-sid)


def test_run_end_is_recognised_only_for_a_finished_run():
    assert _is_run_end(_finished())
    assert not _is_run_end(_finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN))
    assert not _is_run_end(b"\x00" * 5000)
    assert not _is_run_end(b"not a protobuf \xff\xff")


def test_first_runs_are_admitted_in_order_a_few_at_a_time():
    async def scenario():
        app = FakeStreamlit()
        mw = FirstRunAdmission(app, slots=1)
        sent = []

        def conn(sid):
            async def receive():
                return {"type": "websocket.receive", "bytes": b"rerun"}

            async def send(msg):
                sent.append((sid, msg))

            return mw({"type": "websocket", "path": "/_stcore/stream", "sid": sid}, receive, send)

        tasks = [asyncio.create_task(conn(i)) for i in (1, 2, 3)]
        await asyncio.sleep(0.05)
        assert app.started == [1] and mw.waiting == 2  # the others wait for the slot
        app.finish[1].set()
        await asyncio.sleep(0.05)
        assert app.started[:3] == [1, -1, 2]  # session 1's later message passed; session 2 admitted
        app.finish[2].set()
        await asyncio.sleep(0.05)
        app.finish[3].set()
        await asyncio.wait_for(asyncio.gather(*tasks), 2)
        assert [s for s in app.started if s > 0] == [1, 2, 3]
        # http is never gated
        out = []

        async def nothing():
            return {"type": "http.request"}

        async def collect(m):
            out.append(m)

        await mw({"type": "http", "path": "/_stcore/health"}, nothing, collect)
        assert out[0]["status"] == 200

    asyncio.run(scenario())


def test_zero_slots_turns_the_gate_off(monkeypatch):
    monkeypatch.setenv("THB_FIRST_RUN_SLOTS", "0")
    app = object()
    assert FirstRunAdmission(app).slots == 0
    monkeypatch.setenv("THB_FIRST_RUN_SLOTS", "3")
    assert FirstRunAdmission(app).slots == 3
    monkeypatch.delenv("THB_FIRST_RUN_SLOTS")
    assert FirstRunAdmission(app).slots >= 1


def test_a_slot_comes_back_when_a_session_closes_or_hangs():
    async def scenario():
        async def hangs(scope, receive, send):
            await receive()
            await asyncio.sleep(10)  # never finishes its run

        mw = FirstRunAdmission(hangs, slots=1, hold_s=0.1)

        async def receive():
            return {"type": "websocket.receive", "bytes": b"rerun"}

        async def send(msg):
            pass

        scope = {"type": "websocket", "path": "/_stcore/stream"}
        first = asyncio.create_task(mw(scope, receive, send))
        await asyncio.sleep(0.02)
        second = asyncio.create_task(mw(scope, receive, send))
        await asyncio.sleep(0.02)
        assert mw.waiting == 1
        await asyncio.sleep(0.15)  # hold_s passed: the second is admitted
        assert mw.waiting == 0
        first.cancel()
        second.cancel()

    asyncio.run(scenario())


async def _ok_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _health(gate, path="/_stcore/health", headers=()):
    out = []

    async def receive():
        return {"type": "http.request"}

    async def send(m):
        out.append(m)

    asyncio.run(gate({"type": "http", "path": path, "headers": list(headers)}, receive, send))
    return out[0]["status"], out[1]["body"]


def _check(problem):
    async def check():
        return problem

    return check


def test_health_says_warming_up_until_the_views_have_run():
    gate = warmup.HealthGate(_ok_app, enabled=True, check=_check(None))  # as make serve, the container and k8s
    saved = dict(warmup.READY)
    try:
        warmup.READY["done"] = False
        assert _health(gate) == (503, b"warming up")
        assert _health(gate, "/compare/_stcore/health") == (503, b"warming up")  # deep-link form
        assert _health(gate, "/") == (200, b"ok")  # visitors are served meanwhile
        warmup.READY["done"] = True
        assert _health(gate) == (200, b"ok")
    finally:
        warmup.READY.update(saved)


def test_health_has_three_states_and_a_broken_dataset_is_not_ready():
    """Issue 27: with an unreadable data file the health check said 200 "ok" after 6 s, so nginx or Kubernetes
    would have sent readers to a process with no data."""
    problem = "harmonised/thb_baltic.csv: the file has 1,999 rows but the build recorded 5,365"
    saved = dict(warmup.READY)
    try:
        for enabled in (True, False):  # behind a proxy, and one process (make run)
            gate = warmup.HealthGate(_ok_app, enabled=enabled, check=_check(problem))
            warmup.READY["done"] = True
            status, body = _health(gate)
            assert status == 503 and body.startswith(b"broken: harmonised/thb_baltic.csv: the file has 1,999 rows")
            assert b"/tmp" not in body and b"/work" not in body
            # the reader's browser still gets through, to the page with the clear error
            assert _health(gate, headers=[(b"referer", b"http://h/compare")]) == (200, b"ok")
            assert _health(gate, headers=[(b"sec-fetch-mode", b"cors")]) == (200, b"ok")
        warmup.READY["done"] = False
        assert _health(warmup.HealthGate(_ok_app, enabled=True, check=_check(problem))) == (503, b"warming up")
        assert _health(warmup.HealthGate(_ok_app, enabled=False, check=_check(None))) == (200, b"ok")
    finally:
        warmup.READY.update(saved)


def test_the_health_check_verifies_the_data_files(tmp_path, monkeypatch):
    d = tmp_path / "d"
    shutil.copytree(ROOT / "tests" / "fixtures" / "synthetic", d)
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    assert asyncio.run(warmup.dataset_problem()) is None
    table = d / "harmonised" / "thb_baltic.csv"
    table.write_text("".join(table.read_text().splitlines(keepends=True)[:100]))
    problem = asyncio.run(warmup.dataset_problem())  # a change to the files: checked again
    assert problem.startswith("harmonised/thb_baltic.csv: the file has 99 rows") and str(tmp_path) not in problem
    table.unlink()
    table.mkdir()
    assert "cannot read the file" in asyncio.run(warmup.dataset_problem())


def test_one_process_has_no_health_gate_and_the_warm_up_yields_to_visitors(monkeypatch):
    """make run: Streamlit's page asks /_stcore/health before it connects, so a gate would hold the first
    visitor for the whole warm-up; and each warm-up view waits for a quiet moment."""
    monkeypatch.delenv("THB_HEALTH_GATE", raising=False)
    assert warmup.HealthGate(None).enabled is False
    monkeypatch.setenv("THB_HEALTH_GATE", "1")
    assert warmup.HealthGate(None).enabled is True

    async def app(scope, receive, send):
        await send({"type": "websocket.send", "bytes": b"x"})

    async def nothing(*_):
        return None

    mw = warmup.VisitorActivity(app)
    saved = dict(warmup.ACTIVITY)
    try:
        warmup.ACTIVITY["last"] = 0.0
        asyncio.run(
            mw({"type": "websocket", "path": "/_stcore/stream", "headers": [warmup.WARMUP_HEADER]}, nothing, nothing)
        )
        assert warmup.ACTIVITY["last"] == 0.0  # the warm-up's own session is not a visitor
        asyncio.run(mw({"type": "websocket", "path": "/_stcore/stream", "headers": []}, nothing, nothing))
        assert warmup.ACTIVITY["last"] > 0.0

        async def waited(quiet_s, max_s):
            t0 = asyncio.get_running_loop().time()
            await warmup._quiet(quiet_s, max_s)
            return asyncio.get_running_loop().time() - t0

        warmup.ACTIVITY["last"] = time.monotonic()
        assert 0.25 <= asyncio.run(waited(0.3, 5.0)) < 1.5  # waits for the quiet moment
        warmup.ACTIVITY["last"] = time.monotonic()
        assert asyncio.run(waited(10.0, 0.3)) < 1.5  # but never longer than its limit
    finally:
        warmup.ACTIVITY.update(saved)


def test_the_figures_warm_only_after_a_quiet_moment():
    """The data warm at once; the pages' Figures wait until visitors are quiet (a first visitor's browser loading
    the page's scripts needs the cores more than a warm-up does)."""
    seen: list[tuple[str, float]] = []
    life = warmup.make_lifespan(
        views=(),
        steps=(lambda ds: seen.append(("data", time.monotonic())),),
        renderer=False,
        quiet_steps=(lambda ds: seen.append(("figures", time.monotonic())),),
    )
    saved = dict(warmup.ACTIVITY)

    async def scenario():
        async with life(None):
            t0 = time.monotonic()
            while time.monotonic() - t0 < 2.0:  # a visitor busy for 2 s
                warmup.ACTIVITY["last"] = time.monotonic()
                await asyncio.sleep(0.05)
            busy_until = time.monotonic()
            while len(seen) < 2 and time.monotonic() - busy_until < 10:
                await asyncio.sleep(0.05)
            return busy_until

    try:
        busy_until = asyncio.run(scenario())
    finally:
        warmup.ACTIVITY.update(saved)
    assert [name for name, _ in seen] == ["data", "figures"]
    assert seen[1][1] >= busy_until + warmup.QUIET_S - 0.2  # not while the visitor was busy


def test_warm_data_runs_the_given_steps_on_the_dataset():
    seen = []
    times = warmup.warm_data(steps=(lambda ds: seen.append(len(ds.table)),))
    assert seen and seen[0] > 0
    assert {"imports", "load_dataset"} <= set(times)


def _serve_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("serve", ROOT / "deploy" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    return serve


def _render(tmp: Path, replicas=2, module="auto"):
    serve = _serve_module()
    reps = [serve.Replica(i, 40000 + i, {}, []) for i in range(replicas)]
    return serve.render_conf(tmp, 18999, "127.0.0.1", reps, access_log=False, conn_per_client=77, module=module)


def test_nginx_config_has_affinity_health_and_websockets():
    with tempfile.TemporaryDirectory() as tmp:
        conf = _render(Path(tmp)).read_text()
    assert "{{" not in conf
    assert "hash $thb_route consistent;" in conf
    assert not re.search(r"^\s*ip_hash", conf, re.M)
    assert re.search(r"server 127\.0\.0\.1:40000 .*\n\s+server 127\.0\.0\.1:40001", conf)
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "location = /_stcore/health" in conf
    assert f"pid {tmp}/nginx.pid;" in conf  # its own paths, nothing system-wide


def _directives(conf: str) -> list[str]:
    return [ln.split("#")[0].strip() for ln in conf.splitlines() if ln.split("#")[0].strip()]


@pytest.mark.parametrize("module", ["/usr/lib/nginx/modules/ngx_stream_module.so", None], ids=["front", "no-front"])
def test_nginx_config_limits_slow_and_greedy_clients(module):
    """Issue 27: 9,000 slow-header sockets from one address exhausted 2 x 4096 worker connections and reset
    everyone's connections for a minute (client_header_timeout at its default 60 s, no per-client limit)."""
    serve = _serve_module()
    with tempfile.TemporaryDirectory() as tmp:
        d = _directives(_render(Path(tmp), module=module).read_text())
    for want in (
        "client_header_timeout 10s;",
        "client_body_timeout 30s;",
        "send_timeout 30s;",
        "keepalive_timeout 15s;",
        "reset_timedout_connection on;",
        "limit_conn_log_level info;",
        "limit_req_log_level info;",
        "limit_conn_status 429;",
        "limit_req_status 429;",
    ):
        assert want in d, want
    rlimit, connections = serve.fd_budget()
    assert f"worker_connections {connections};" in d and f"worker_rlimit_nofile {rlimit};" in d
    assert connections > 4096 or connections == rlimit - serve.FD_RESERVE  # more than before, within the machine
    assert d.count("limit_req zone=thb_pages burst=200 nodelay;") == 2  # pages and websocket openings
    assert "limit_req zone=thb_api burst=50 nodelay;" in d and "limit_conn thb_conn 16;" in d  # the API
    # chart images: each URL to one process (which joins identical requests), not through nginx's cache lock,
    # whose waiters look again only every 500 ms; the rest of the API keeps the lock
    images = d[d.index("upstream thb_images {") :]
    assert images[1] == "hash $request_uri consistent;" and "proxy_pass http://thb_images;" in d
    assert d.count("proxy_cache_lock on;") == 1 and d.count("include " + str(_serve_module().API_CACHE_CONF) + ";") == 2
    assert d.count("limit_conn thb_conn 256;") == 3  # pages, static files, websockets
    health = "\n".join(d[d.index("location = /_stcore/health {") :][:5])
    assert "limit_" not in health  # probes are never limited
    assert "proxy_read_timeout 1h;" in d  # websockets stay open
    if module:
        assert f"load_module {module};" in d and "limit_conn thb_front 77;" in d
        assert "listen 127.0.0.1:18999;" in d and any(
            x.startswith("listen unix:") and x.endswith("proxy_protocol;") for x in d
        )
        assert "real_ip_header proxy_protocol;" in d and "proxy_timeout 1h;" in d
    else:
        assert "stream {" not in d and not any("thb_front" in x or "proxy_protocol" in x for x in d)
        assert "listen 127.0.0.1:18999;" in d


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.mark.skipif(not NGINX, reason="needs Debian's nginx (apt-get install nginx; .ci/run installs it)")
@pytest.mark.parametrize("front", [True, False], ids=["front", "no-front"])
def test_nginx_accepts_the_rendered_config(front):
    module = _serve_module().stream_module() if front else None
    if front and not module:
        pytest.skip("needs nginx's stream module (apt-get install libnginx-mod-stream; .ci/run installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        conf = _render(Path(tmp), module=module)
        r = subprocess.run(
            [NGINX, "-t", "-e", "stderr", "-p", tmp, "-c", str(conf)], capture_output=True, text=True, timeout=30
        )
    assert r.returncode == 0, r.stderr


def test_serve_restarts_only_a_dead_broken_or_hung_process():
    """Issue 27: serve.py counted "503 warming up" as a failed check and restarted one process four times
    under load (about a minute without it) while its warm-up was waiting for a quiet moment."""
    serve = _serve_module()
    r = serve.Replica(0, 1, {}, [], start_timeout=180.0)
    r.started_at = 0.0
    for t in range(5, 175, 5):  # warming (or not answering yet) for almost 3 minutes under load: wait
        assert r.decide(False, "warming" if t > 20 else "no answer", float(t)) is None
    assert "still warming up after 180 s" in r.decide(False, "warming", 185.0)  # the bound
    r.started_at = 200.0
    assert r.decide(False, "ready", 205.0) is None and r.was_ready
    assert r.decide(True, "no answer", 210.0) == "exited"  # dead: at once
    for t in (215.0, 220.0):
        assert r.decide(False, "broken", t) is None
    assert r.decide(False, "broken", 225.0) == "broken"  # third broken check in a row
    r.start = lambda: None
    assert all(r.decide(False, "broken", t) is None for t in (230.0, 235.0, 240.0, 280.0))  # backoff: 60 s
    assert r.decide(False, "broken", 290.0) == "broken"
    assert r.decide(False, "broken", 300.0) is None and r.next_broken_restart == 290.0 + 120.0  # then 2 min
    assert r.decide(False, "ready", 305.0) is None and r.broken_backoff == 60.0  # mended: backoff reset
    for i in range(serve.HUNG_CHECKS - 1):  # a busy process that answers slowly is not restarted at once
        assert r.decide(False, "no answer", 310.0 + 5 * i) is None
    assert r.decide(False, "no answer", 400.0) == "stopped answering"


def test_serve_reads_the_three_health_answers(monkeypatch):
    serve = _serve_module()

    def fake(status, body):
        import io
        import urllib.error

        def urlopen(url, timeout):
            if status == 200:

                class R(io.BytesIO):
                    def __enter__(self):
                        return self

                    def __exit__(self, *a):
                        return False

                r = R(body)
                r.status = 200
                return r
            raise urllib.error.HTTPError(url, status, "x", {}, io.BytesIO(body))

        return urlopen

    for status, body, want in (
        (200, b"ok", "ready"),
        (503, b"warming up", "warming"),
        (503, b"broken: harmonised/thb_baltic.csv: the file has 1 rows", "broken"),
        (500, b"Internal error", "broken"),
    ):
        monkeypatch.setattr(serve.urllib.request, "urlopen", fake(status, body))
        assert serve.probe("http://x")[0] == want, (status, body)

    def refused(url, timeout):
        raise ConnectionRefusedError()

    monkeypatch.setattr(serve.urllib.request, "urlopen", refused)
    assert serve.probe("http://x")[0] == "no answer"


def test_the_kubernetes_example_has_the_same_limits_and_health():
    docs = list(yaml.safe_load_all((ROOT / "deploy" / "k8s.yaml").read_text()))
    kinds = {}
    for d in docs:
        kinds.setdefault(d["kind"], []).append(d)
    app = kinds["Deployment"][0]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in app["env"]}
    assert env["THB_HEALTH_GATE"] == "1" and env["THB_HEADER_TIMEOUT_S"] == "10" and env["THB_MAX_CONNECTIONS"]
    assert app["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    ingresses = {
        i["spec"]["rules"][0]["http"]["paths"][0]["path"]: i["metadata"]["annotations"] for i in kinds["Ingress"]
    }
    assert ingresses["/"]["nginx.ingress.kubernetes.io/limit-rps"] == "10"
    assert ingresses["/"]["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "3600"  # websockets
    assert ingresses["/api/"]["nginx.ingress.kubernetes.io/limit-connections"] == "16"
    images = ingresses["/api/v1/view/"]  # each image URL to one pod, identical requests joined there, no lock
    assert images["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$request_uri"
    assert "proxy_cache thb_api_cache;" in images["nginx.ingress.kubernetes.io/configuration-snippet"]
    assert "proxy_cache_lock" not in images["nginx.ingress.kubernetes.io/configuration-snippet"]
    assert "nginx.ingress.kubernetes.io/limit-rps" not in ingresses["/static/"]
    controller = kinds["ConfigMap"][0]["data"]
    assert controller["client-header-timeout"] == "10" and controller["client-body-timeout"] == "30"


def test_serving_configuration_and_commands():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["fileWatcherType"] == "none"
    assert cfg["server"]["runOnSave"] is False
    assert cfg["runner"]["postScriptGC"] is False
    assert cfg["client"]["showErrorDetails"] == "none"
    make = (ROOT / "Makefile").read_text()
    recipe = lambda t: re.search(rf"^{t}:.*\n((?:\t.*\n)+)", make, re.M).group(1)  # noqa: E731
    assert "streamlit run server.py --server.port $(PORT)" in recipe("run")
    assert "deploy/serve.py --replicas $(REPLICAS) --port $(PORT)" in recipe("serve")
    dev = recipe("dev")
    assert "server.py" in dev and "--server.fileWatcherType auto" in dev and "--runner.postScriptGC true" in dev
