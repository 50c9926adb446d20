"""The container image runs: its file set starts the server, and the Kubernetes example matches the app.

No Docker engine runs where this was written, so the image itself is never built here. What this proves
instead: the files `deploy/Dockerfile` copies (`COPY . .`: the tracked files minus `.dockerignore`'s
patterns) are enough. They are assembled in a temporary folder and the Dockerfile's own CMD and ENV are run
from it (this Python, a free port on 127.0.0.1): health answers "ok" after the warm-up, the API answers,
Overview renders in Estonian and Compare in Latvian (their texts from locale/, not English), nothing is
written into the folder. (It failed before: the image had neither etl/ nor locale/, and `import server`
raised ModuleNotFoundError.) The image installs requirements/run.lock; that the code the image runs imports
nothing outside it is `make test`'s dependency check (deptry, the second pass).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
HEALTH = "/_stcore/health"


# ------------------------------------------------------------------------------------ the image's files


def dockerignore_patterns(text: str) -> list[tuple[bool, re.Pattern]]:
    """(is an exception '!', pattern) in Docker's .dockerignore syntax: paths relative to the context root,
    `*` within one folder, `**` across folders; a matched folder excludes everything under it."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pat = line[1:] if negate else line
        pat = os.path.normpath(pat.strip("/"))
        rx, i = "", 0
        while i < len(pat):
            if pat.startswith("**/", i):
                rx, i = rx + "(?:.*/)?", i + 3
            elif pat.startswith("**", i):
                rx, i = rx + ".*", i + 2
            elif pat[i] == "*":
                rx, i = rx + "[^/]*", i + 1
            elif pat[i] == "?":
                rx, i = rx + "[^/]", i + 1
            else:
                rx, i = rx + re.escape(pat[i]), i + 1
        out.append((negate, re.compile(rx + "(?:/.*)?")))  # the path itself or anything under it
    return out


def ignored(path: str, patterns) -> bool:
    verdict = False
    for negate, rx in patterns:  # the last pattern that matches decides
        if rx.fullmatch(path):
            verdict = not negate
    return verdict


def image_files() -> list[str]:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    patterns = dockerignore_patterns((ROOT / ".dockerignore").read_text(encoding="utf-8"))
    return sorted(p for p in tracked.decode().split("\0") if p and (ROOT / p).is_file() and not ignored(p, patterns))


def dockerfile() -> dict:
    """ENV (dict), CMD (list), EXPOSE (list of ports), COPY and RUN lines of deploy/Dockerfile."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out: dict = {"ENV": {}, "CMD": None, "EXPOSE": [], "COPY": [], "RUN": [], "USER": None, "HEALTHCHECK": ""}
    for line in text.splitlines():
        word, _, rest = line.strip().partition(" ")
        if word == "ENV":
            out["ENV"].update(dict(kv.split("=", 1) for kv in rest.split()))
        elif word == "CMD":
            out["CMD"] = json.loads(rest)
        elif word == "EXPOSE":
            out["EXPOSE"] += [int(p.split("/")[0]) for p in rest.split()]
        elif word in ("COPY", "RUN"):
            out[word].append(rest.strip())
        elif word in ("USER", "HEALTHCHECK"):
            out[word] = rest.strip()
    return out


def test_dockerignore_patterns_follow_dockers_rules():
    pats = dockerignore_patterns("tests\n**/__pycache__\ndata/geo/make_*.py\n*.md\n!README.md\n")
    assert ignored("tests/a/b.py", pats) and ignored("tests", pats) and not ignored("xtests/a.py", pats)
    assert ignored("components/__pycache__/x.pyc", pats) and ignored("__pycache__/x.pyc", pats)
    assert ignored("data/geo/make_display.py", pats) and not ignored("data/geo/baltic_countries.geojson", pats)
    assert ignored("LICENSE.md", pats) and not ignored("README.md", pats) and not ignored("data/README.md", pats)


def test_the_image_holds_what_the_app_reads_and_installs_from_the_lock():
    files = image_files()
    tops = {f.split("/")[0] for f in files}
    # what the app imports and reads: the issue-31 image had neither etl/ nor locale/
    assert {"server.py", "app.py", "app_pages", "components", "etl", "locale", "static", "data", ".streamlit"} <= tops
    assert {f"locale/{lang}/LC_MESSAGES/messages.po" for lang in ("et", "lv", "lt", "ru")} <= set(files)
    assert "requirements/run.lock" in files and "data/harmonised/thb_baltic.csv" in files
    assert not tops & {"tests", "bench", ".ci", "deploy", ".venv", ".git"}, tops
    d = dockerfile()
    assert ". ." in d["COPY"], "the Dockerfile should copy the repository (.dockerignore says what stays out)"
    assert any("--require-hashes -r requirements/run.lock" in r for r in d["RUN"]), d["RUN"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


async def _page(ws_url: str, page: str, query: str, timeout: float = 60) -> list[bytes]:
    """Open one session as a browser does (a websocket, one rerun_script) and return every message sent
    until its first run finished."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    payloads = []
    async with asyncio.timeout(timeout):
        async with connect(ws_url, subprotocols=["streamlit"], max_size=None, compression=None) as ws:
            await ws.send(msg.SerializeToString())
            while True:
                raw = await ws.recv()
                payloads.append(raw)
                fm = ForwardMsg()
                fm.ParseFromString(raw)
                if (
                    fm.WhichOneof("type") == "delta"
                    and fm.delta.WhichOneof("type") == "new_element"
                    and fm.delta.new_element.WhichOneof("type") == "exception"
                ):
                    raise AssertionError(f"{page or 'overview'}?{query}: {fm.delta.new_element.exception.message}")
                if (
                    fm.WhichOneof("type") == "script_finished"
                    and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
                ):
                    return payloads


def _translated(en: bytes, other: bytes, lang: str) -> tuple[int, list[str]]:
    """How many of the interface's texts shown in English are shown in `lang`'s words (read from locale/), and
    those that are not."""
    with (ROOT / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    found, missing = 0, []
    for m in catalog:
        if not isinstance(m.id, str) or not m.string or m.string == m.id or len(m.id) < 12 or "{" in m.id:
            continue
        if m.id.encode() in en:
            if m.string.encode() in other:
                found += 1
            else:
                missing.append(m.id)
    return found, missing


@pytest.fixture
def image_server(tmp_path_factory):  # one test uses it: under pytest-xdist a module fixture could start twice
    """The server started from exactly the image's files, as the Dockerfile's CMD and ENV start it."""
    app_dir = tmp_path_factory.mktemp("image") / "app"
    for rel in image_files():
        (app_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, app_dir / rel)
    before = {p: p.stat().st_mtime_ns for p in app_dir.rglob("*")}
    d = dockerfile()
    port = _free_port()
    cmd = [sys.executable if a == "python" else a for a in d["CMD"]]
    cmd = [
        f"--server.port={port}"
        if a.startswith("--server.port=")
        else "--server.address=127.0.0.1"
        if a.startswith("--server.address=")
        else a
        for a in cmd
    ]
    home = tmp_path_factory.mktemp("home")  # the image's HOME=/tmp (an emptyDir in k8s.yaml)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("THB_", "STREAMLIT_")) and k not in ("PYTHONPATH", "PYTHONSTARTUP")
    }
    env.update(d["ENV"], HOME=str(home), STREAMLIT_SERVER_COOKIE_SECRET="0" * 64)
    log_path = home / "server.log"
    t0 = time.perf_counter()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        status, body = None, b""
        while time.perf_counter() - t0 < 150:
            if proc.poll() is not None:
                break
            try:
                status, _, body = _get(url + HEALTH, timeout=3)
            except OSError:
                status = None
            if status == 200 and body == b"ok":
                break
            time.sleep(0.5)
        warm_s = time.perf_counter() - t0
        log_text = lambda: log_path.read_text(errors="replace")[-4000:]  # noqa: E731
        assert status == 200 and body == b"ok", f"health {status} {body!r} after {warm_s:.0f} s:\n{log_text()}"
        yield {"url": url, "port": port, "dir": app_dir, "warm_s": warm_s, "log": log_text, "before": before}
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_the_image_starts_and_serves_health_the_api_and_pages_in_two_languages(image_server):
    url = image_server["url"]
    status, headers, body = _get(url + "/api/v1/")
    assert status == 200 and json.loads(body)["api"] == "v1", body[:200]
    status, headers, body = _get(url + "/api/v1/figures.csv")
    assert status == 200 and headers["content-type"].startswith("text/csv"), (status, headers)
    assert body.count(b"\n") > 100 and b"country" in body.split(b"\n", 1)[0]
    status, _, html = _get(url + "/compare?lang=lv")
    assert status == 200 and b"<html" in html.lower()

    ws = f"ws://127.0.0.1:{image_server['port']}/_stcore/stream"
    for page, lang in (("", "et"), ("compare", "lv")):
        en = b"".join(asyncio.run(_page(ws, page, "lang=en")))
        other = b"".join(asyncio.run(_page(ws, page, f"lang={lang}")))
        found, missing = _translated(en, other, lang)
        # the frame and the page in the reader's language, from locale/ (without it, English throughout)
        assert found >= 10 and len(missing) <= found // 10, (page, lang, found, missing[:10])
    log = image_server["log"]()
    assert "Traceback" not in log, log
    # components/serve/connections.py found the uvicorn Config Streamlit builds (an internal: tests/test_internals.py)
    assert "connections: at most" in log, log
    # the image runs with a read-only root filesystem (k8s.yaml): the app writes nothing where it lives
    after = {p: p.stat().st_mtime_ns for p in image_server["dir"].rglob("*")}
    assert after == image_server["before"], sorted(set(after) ^ set(image_server["before"]))[:10]


# ------------------------------------------------------------------------------------ deploy/k8s.yaml


def _k8s() -> dict[str, list[dict]]:
    kinds: dict[str, list[dict]] = {}
    for doc in yaml.safe_load_all((ROOT / "deploy" / "k8s.yaml").read_text(encoding="utf-8")):
        kinds.setdefault(doc["kind"], []).append(doc)
    return kinds


def _code_text() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in [
            ROOT / "server.py",
            ROOT / "app.py",
            *(ROOT / "components").rglob("*.py"),
            *(ROOT / "etl").rglob("*.py"),
        ]
    )


def test_the_kubernetes_example_matches_the_image_and_the_app():
    d = dockerfile()
    pod = _k8s()["Deployment"][0]["spec"]["template"]["spec"]
    (app,) = pod["containers"]
    # the port: the Dockerfile's EXPOSE, its CMD's --server.port, the container port the probes use
    cmd_port = int(next(a.split("=", 1)[1] for a in d["CMD"] if a.startswith("--server.port=")))
    ports = {p["name"]: p["containerPort"] for p in app["ports"]}
    assert d["EXPOSE"] == [cmd_port] == [ports["http"]], (d["EXPOSE"], cmd_port, ports)
    # health: every probe asks the path the server answers (the image test above), on that port
    for probe in ("readinessProbe", "startupProbe", "livenessProbe"):
        get = app[probe]["httpGet"]
        assert get["path"] == HEALTH and get["port"] in ("http", cmd_port), (probe, get)
    assert f"127.0.0.1:{cmd_port}{HEALTH}" in d["HEALTHCHECK"]
    # the environment: every variable the example sets is one the code reads (or Streamlit's own option)
    code = _code_text()
    for e in app["env"]:
        name = e["name"]
        if name.startswith("STREAMLIT_"):
            from streamlit import config

            section, _, option = name.removeprefix("STREAMLIT_").lower().partition("_")
            key = f"{section}.{re.sub(r'_([a-z])', lambda m: m.group(1).upper(), option)}"
            assert key in config._config_options_template, f"{name}: Streamlit has no option {key}"
        else:
            assert f'"{name}"' in code, f"k8s.yaml sets {name}, which no code reads"
    assert {e["name"]: e.get("value") for e in app["env"]}["THB_HEALTH_GATE"] == d["ENV"]["THB_HEALTH_GATE"] == "1"
    # the user and the read-only data: the image's user, a read-only root filesystem, only /tmp writable
    assert pod["securityContext"]["runAsUser"] == int(d["USER"]) and pod["securityContext"]["runAsNonRoot"]
    assert app["securityContext"]["readOnlyRootFilesystem"] is True
    volumes = {v["name"]: v for v in pod["volumes"]}
    for m in app.get("volumeMounts", []):
        writable = "emptyDir" in volumes[m["name"]]
        assert m.get("readOnly") or (writable and m["mountPath"] == d["ENV"]["HOME"]), m
