"""Limits of the one server process without a server: the connection guard's rules (components/serve/connections.py),
logs that cannot flood (components/serve/log_limit.py) and the page for nested unknown paths
(components/ui/not_found.py). tests/e2e/test_faults_e2e.py runs them against the real server."""

from __future__ import annotations

import asyncio
import logging

import pytest

from components.serve import connections, log_limit
from components.ui import not_found


class Transport:
    def __init__(self):
        self.aborted = False

    def abort(self):
        self.aborted = True

    def is_closing(self):
        return self.aborted


class Proto:
    """Stands for a GuardedH11Protocol: its transport and the server's set of open connections."""

    def __init__(self, open_set, loop):
        self.transport, self.connections, self.loop = Transport(), open_set, loop
        open_set.add(self)


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_a_full_process_drops_the_connection_waiting_longest_for_its_request_head():
    loop = asyncio.new_event_loop()
    try:
        clock, open_set = Clock(), set()
        guard = connections.Guard(max_connections=3, header_timeout_s=10.0, clock=clock)
        a, b = Proto(open_set, loop), None
        guard.opened(a)
        clock.t = 1.0
        b = Proto(open_set, loop)
        guard.opened(b)
        guard.done_waiting(b)  # b sent its request head: it is being served (or is a websocket)
        clock.t = 2.0
        c = Proto(open_set, loop)
        guard.opened(c)
        d = Proto(open_set, loop)  # the fourth: a waits longest, so a makes room
        assert guard.opened(d) and a.transport.aborted and not b.transport.aborted and not c.transport.aborted
        open_set.discard(a)
        guard.done_waiting(c)
        guard.done_waiting(d)
        e = Proto(open_set, loop)  # nobody waiting: the newcomer is refused, the readers keep their connections
        assert not guard.opened(e) and e.transport.aborted
        assert not any(p.transport.aborted for p in (b, c, d))
        assert guard.counts == {"timed_out": 0, "evicted": 1, "refused": 1}
    finally:
        loop.close()


def test_a_request_head_must_arrive_within_the_header_wait():
    loop = asyncio.new_event_loop()
    try:
        clock, open_set = Clock(), set()
        guard = connections.Guard(max_connections=100, header_timeout_s=10.0, clock=clock)
        slow, quick, kept_alive = (Proto(open_set, loop) for _ in range(3))
        for p in (slow, quick, kept_alive):
            guard.opened(p)
        guard.done_waiting(quick)
        guard.done_waiting(kept_alive)
        clock.t = 8.0
        guard.wait(kept_alive)  # its answer is done: the next request head has its own 10 s
        clock.t = 10.5
        guard._sweep(loop)
        assert slow.transport.aborted and not quick.transport.aborted and not kept_alive.transport.aborted
        clock.t = 18.5
        guard._sweep(loop)
        assert kept_alive.transport.aborted
    finally:
        loop.close()


def test_the_guard_reports_one_line_per_interval(caplog):
    loop = asyncio.new_event_loop()
    try:
        clock, open_set = Clock(), set()
        guard = connections.Guard(max_connections=2, header_timeout_s=10.0, clock=clock)
        with caplog.at_level(logging.WARNING, logger="thb.connections"):
            connections.log.addHandler(caplog.handler)
            try:
                for i in range(500):  # a flood of newcomers against two slots
                    clock.t = i * 0.01
                    p = Proto(open_set, loop)
                    guard.opened(p)
                    open_set.difference_update({q for q in open_set if q.transport.aborted})
                    guard._sweep(loop)
                clock.t = 11.0
                guard._sweep(loop)
            finally:
                connections.log.removeHandler(caplog.handler)
        lines = [r.getMessage() for r in caplog.records if r.name == "thb.connections"]
        assert len(lines) == 1 and "498 closed to make room" in lines[0], lines
    finally:
        loop.close()


def test_the_limit_stays_below_the_open_files_limit(monkeypatch):
    """asyncio accepts a whole backlog before the guard sees one connection: the limit leaves room for two."""
    monkeypatch.setattr(connections, "raise_open_files_limit", lambda: 256)
    monkeypatch.setattr(connections, "open_files", lambda: 20)
    monkeypatch.delenv("THB_MAX_CONNECTIONS", raising=False)
    n, wait_s, backlog = connections.limits()
    assert backlog == 32 and n == 256 - 20 - connections.FD_RESERVE - 2 * 32 and wait_s == 10.0
    monkeypatch.setattr(connections, "raise_open_files_limit", lambda: 1 << 20)
    monkeypatch.setenv("THB_MAX_CONNECTIONS", "300")
    monkeypatch.setenv("THB_HEADER_TIMEOUT_S", "4")
    assert connections.limits() == (300, 4.0, 128)


def test_install_puts_the_guarded_protocol_on_the_loading_config(monkeypatch):
    from uvicorn.config import Config

    monkeypatch.setattr(connections, "GUARD", None)
    assert connections.install() is False  # imported by a test, not by uvicorn: nothing changes
    config = Config("server:app")

    def load(self=config):  # stands for uvicorn's Config.load() importing server.py
        return connections.install()

    assert load() is True
    assert config.http_protocol_class is connections.GuardedH11Protocol and config.backlog <= 128
    assert connections.GUARD is not None and connections.GUARD.max_connections >= 16


def test_every_connection_sends_at_once(tmp_path):
    """Streamlit binds its listening socket with protocol number 0, and asyncio switches Nagle's algorithm off
    only for sockets that say IPPROTO_TCP: each answer's body then waited 40 ms for the browser's delayed
    acknowledgement of its head. The server's protocol sets TCP_NODELAY on every connection; a Unix socket
    (server.address=unix:...) is left as it is."""
    import socket

    async def accepted_nodelay(call: bool) -> int:
        seen: list[int] = []

        class Recorder(asyncio.Protocol):
            def connection_made(self, transport):
                if call:
                    assert connections.no_delay(transport)
                sock = transport.get_extra_info("socket")
                seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # as Streamlit binds it: protocol 0
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        server = await asyncio.get_running_loop().create_server(Recorder, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()
        return seen[0]

    assert asyncio.run(accepted_nodelay(call=False)) == 0  # what asyncio leaves: the 40 ms waits
    assert asyncio.run(accepted_nodelay(call=True)) == 1

    class UnixTransport:
        def get_extra_info(self, name):
            return socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) if name == "socket" else None

    assert connections.no_delay(UnixTransport()) is False
    assert connections.no_delay(type("Gone", (), {"get_extra_info": lambda self, name: None})()) is False


def test_a_repeated_condition_is_logged_once_per_interval():
    clock = Clock()
    gate = log_limit.RateLimit(10.0, clock)
    log = logging.getLogger("thb.test.flood")
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record)

    handler = Keep()
    log.addHandler(handler)
    log.addFilter(gate)
    log.propagate = False
    try:
        for i in range(100_000):
            clock.t = i * 0.0004  # 100,000 in 40 s, as the accept loop's flood
            try:
                raise OSError(24, "Too many open files")
            except OSError:
                log.error("socket.accept() out of system resource", exc_info=True)
            if i % 1000 == 0:
                log.warning("another condition %d", i)  # its own count, whatever its arguments
        texts = [r.getMessage() for r in seen]
        accept = [t for t in texts if t.startswith("socket.accept()")]
        assert len(accept) == 4 and "24999 more like this" in accept[1], accept
        assert sum(t.startswith("another condition") for t in texts) == 4
    finally:
        log.removeHandler(handler)
        log.removeFilter(gate)


def test_the_event_loops_own_reports_are_rate_limited(caplog):
    handle = log_limit.loop_exception_handler(10.0, logging.getLogger("thb.test.loop"))
    with caplog.at_level(logging.ERROR, logger="thb.test.loop"):
        for _ in range(2048):  # one accept burst, as CPython logs it for EMFILE
            handle(None, {"message": "socket.accept() out of system resource", "exception": OSError(24, "x")})
    assert len(caplog.records) == 1 and caplog.records[0].exc_info is None  # one line, no traceback


@pytest.mark.parametrize(
    "path,nested",
    [
        ("/compare/x", True),
        ("/a/b", True),
        ("/compare/static/js/i.js", True),
        ("/compare", False),
        ("/", False),
        ("/nope", False),
        ("/compare/", False),
        ("/_stcore/health", False),
        ("/static/js/x.js", False),
        ("/api/v1/x", False),
        ("/app/static/blank-style.json", False),
        ("/media/ab.csv", False),
        ("/base/compare/x", True),
    ],
)
def test_which_paths_are_nested_unknown(path, nested):
    assert not_found.is_nested_unknown(path) is nested
    assert not_found.is_nested_unknown("/base/compare", "/base") is False


def test_the_not_found_page_speaks_the_readers_language():
    def scope(query=b"", accept=None):
        return {"query_string": query, "headers": [(b"accept-language", accept.encode())] if accept else []}

    assert not_found.reader_language(scope(accept="de-DE,de;q=0.9,lt;q=0.8,en;q=0.5")) == "lt"
    assert not_found.reader_language(scope(b"lang=ru", "lv")) == "ru"  # the link's own language first
    assert not_found.reader_language(scope(accept="fr")) == "en"
    assert not_found.reader_language(scope(accept="et;q=0, lv;q=0.3")) == "lv"
    page = not_found.page("lv", "/compare/<script>x", "").decode()
    assert "Lapa nav atrasta" in page and 'lang="lv"' in page and "&lt;script&gt;" in page and "<script" not in page
    assert 'href="/compare?lang=lv"' in page and 'href="/?lang=lv"' in page  # absolute: nothing resolves from the path
    assert 'href="/compare"' in not_found.page("en", "/x/y").decode()


def test_only_streamlits_index_page_is_replaced_by_the_404():
    async def streamlit(scope, receive, send):
        html = scope["path"] != "/media/x/y.csv"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html; charset=utf-8" if html else b"text/csv")],
            }
        )
        await send({"type": "http.response.body", "body": b"<html>index</html>" if html else b"a,b"})

    mw = not_found.NestedPathNotFound(streamlit)
    mw.base = ""

    def get(path, method="GET"):
        out = []

        async def send(m):
            out.append(m)

        asyncio.run(
            mw({"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}, None, send)
        )
        return out[0]["status"], b"".join(m.get("body", b"") for m in out[1:])

    status, body = get("/compare/x")
    assert status == 404 and b"Page not found" in body and b"index" not in body
    assert get("/compare/x", "HEAD") == (404, b"")
    assert get("/compare") == (200, b"<html>index</html>")
    assert get("/media/x/y.csv") == (200, b"a,b")
