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
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from components import warmup
from components.admission import FirstRunAdmission, _is_run_end

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


def test_health_says_warming_up_until_the_views_have_run():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    gate = warmup.HealthGate(app, enabled=True)  # as make serve, the container and Kubernetes run it

    async def status(path):
        out = []

        async def receive():
            return {"type": "http.request"}

        async def send(m):
            out.append(m)

        await gate({"type": "http", "path": path}, receive, send)
        return out[0]["status"], out[1]["body"]

    saved = dict(warmup.READY)
    try:
        warmup.READY["done"] = False
        assert asyncio.run(status("/_stcore/health")) == (503, b"warming up")
        assert asyncio.run(status("/compare/_stcore/health")) == (503, b"warming up")  # deep-link form
        assert asyncio.run(status("/")) == (200, b"ok")  # visitors are served meanwhile
        warmup.READY["done"] = True
        assert asyncio.run(status("/_stcore/health")) == (200, b"ok")
    finally:
        warmup.READY.update(saved)


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
        asyncio.run(mw({"type": "websocket", "path": "/_stcore/stream",
                        "headers": [warmup.WARMUP_HEADER]}, nothing, nothing))
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


def test_warm_data_runs_the_given_steps_on_the_dataset():
    seen = []
    times = warmup.warm_data(steps=(lambda ds: seen.append(len(ds.table)),))
    assert seen and seen[0] > 0
    assert {"imports", "load_dataset"} <= set(times)


def _render(tmp: Path, replicas=2):
    import importlib.util

    spec = importlib.util.spec_from_file_location("serve", ROOT / "deploy" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    reps = [serve.Replica(i, 40000 + i, {}, []) for i in range(replicas)]
    return serve.render_conf(tmp, 18999, "127.0.0.1", reps, access_log=False)


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


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()),
                    reason="needs Debian's nginx (apt-get install nginx; .ci/run installs it)")
def test_nginx_accepts_the_rendered_config():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    with tempfile.TemporaryDirectory() as tmp:
        conf = _render(Path(tmp))
        r = subprocess.run([nginx, "-t", "-e", "stderr", "-p", tmp, "-c", str(conf)],
                           capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr


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
