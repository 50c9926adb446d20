"""Connection limits for the one server process (`streamlit run server.py`): slow or numerous clients cannot
exhaust it.

What went wrong without it: 21,000 sockets that each sent a request line and then one header every 5 s
used up the process's file descriptors. The health check and the API stopped answering, and asyncio's
accept loop wrote 198,655 tracebacks (80 MB of log) in 40 s.

What this does, in the HTTP layer Streamlit runs (uvicorn's h11 protocol, subclassed):
- **Header wait**: a connection must deliver a complete request head within `header_timeout_s` of
  opening, or of the end of its previous answer. Otherwise it is closed. The time counts from the first
  byte of the wait, so trickling one header at a time does not reset it.
- **Open connections**: at most `max_connections` at once (HTTP and websockets together), and always
  some way below the process's limit on open files, so accept() never fails. When the process is full, a
  new connection first takes the place of the connection that has been waiting longest for its request
  head. Readers' live websockets and requests in progress are never dropped for a newcomer; only when no
  connection is waiting is the newcomer refused (closed at once).
- **One log line per condition per interval** (components/serve/log_limit.py): what was closed, evicted or
  refused is summed up every LOG_EVERY_S, and so are the event loop's own error reports.

Defaults: `THB_MAX_CONNECTIONS` (1000) and `THB_HEADER_TIMEOUT_S` (10). The soft limit on open files is
raised to the hard one at start; the connection limit then stays FD_RESERVE below what is left.
Streamlit does not pass server options through to uvicorn, so `install()` sets the protocol on the uvicorn
Config that is importing server.py. Behind nginx (make serve) the proxy applies its own limits
(deploy/nginx.conf.template) and this is a second line.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections import OrderedDict

import h11
from streamlit.logger import get_logger
from uvicorn.protocols.http.h11_impl import H11Protocol

from components.serve.log_limit import loop_exception_handler

log = get_logger("thb.connections")  # Streamlit's handler and level: the lines appear in the server log

DEFAULT_MAX_CONNECTIONS = 1000
DEFAULT_HEADER_TIMEOUT_S = 10.0
FD_RESERVE = 64  # descriptors kept free for data files, the log and Streamlit's own needs
LOG_EVERY_S = 10.0
SWEEP_EVERY_S = 0.5


def _env_number(name: str, default: float, cast=float):
    try:
        value = cast(os.environ.get(name, ""))
        return value if value > 0 else default
    except ValueError:
        return default


def raise_open_files_limit() -> int:
    """Raise the soft limit on open files to the hard one (Linux starts many processes at 1024 while
    allowing far more); returns the soft limit now in force."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY:
            hard = 1 << 20
        if soft == resource.RLIM_INFINITY or soft >= hard:
            return soft if soft != resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    except (ImportError, ValueError, OSError):
        return 1024


def open_files() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 32


class Guard:
    """The process-wide bookkeeping: connections waiting for a request head, oldest first, and counters."""

    def __init__(self, max_connections: int, header_timeout_s: float, clock=time.monotonic) -> None:
        self.max_connections = max_connections
        self.header_timeout_s = header_timeout_s
        self.clock = clock
        self.waiting: OrderedDict = OrderedDict()  # protocol -> time it started waiting
        self.counts = {"timed_out": 0, "evicted": 0, "refused": 0}
        self.peak = 0
        self._sweeper: asyncio.TimerHandle | None = None
        self._last_log = clock()

    # called by the protocol
    def opened(self, proto: GuardedH11Protocol) -> bool:
        """A new connection (already counted in `proto.connections`); False: it was refused and closed."""
        open_now = len(proto.connections)
        self.peak = max(self.peak, open_now)
        if open_now > self.max_connections:
            if self.waiting:  # the connection waiting longest for its request head makes room
                oldest, _ = self.waiting.popitem(last=False)
                oldest.transport.abort()  # at once: its descriptor is free on the next turn of the loop
                self.counts["evicted"] += 1
            else:
                self.counts["refused"] += 1
                proto.transport.abort()
                self._ensure_sweeper(proto.loop)
                return False
        self.wait(proto)
        self._ensure_sweeper(proto.loop)
        return True

    def wait(self, proto) -> None:
        if proto not in self.waiting:
            self.waiting[proto] = self.clock()

    def done_waiting(self, proto) -> None:
        self.waiting.pop(proto, None)

    # the sweeper: closes connections that waited too long, and writes the summary line
    def _ensure_sweeper(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._sweeper is None:
            self._sweeper = loop.call_later(SWEEP_EVERY_S, self._sweep, loop)

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        self._sweeper = None
        now = self.clock()
        while self.waiting:
            proto, since = next(iter(self.waiting.items()))
            if now - since < self.header_timeout_s:
                break
            self.waiting.popitem(last=False)
            proto.transport.abort()
            self.counts["timed_out"] += 1
        if now - self._last_log >= LOG_EVERY_S:
            self._report(now)
        if self.waiting or any(self.counts.values()):
            self._ensure_sweeper(loop)

    def _report(self, now: float) -> None:
        if any(self.counts.values()):
            c = self.counts
            log.warning(
                "connections: %d closed after waiting %.0f s for a request head, %d closed to make room, "
                "%d refused (limit %d open; peak %d) in the last %.0f s",
                c["timed_out"],
                self.header_timeout_s,
                c["evicted"],
                c["refused"],
                self.max_connections,
                self.peak,
                now - self._last_log,
            )
            self.counts = {k: 0 for k in self.counts}
            self.peak = 0
        self._last_log = now


GUARD: Guard | None = None


def no_delay(transport) -> bool:
    """Send each write at once (TCP_NODELAY) on the connection's socket. asyncio sets it only on sockets whose
    protocol number is IPPROTO_TCP, and Streamlit binds its listening socket with protocol 0, so an answer's
    body waited for the client to acknowledge its head, which a client delays by up to 40 ms (Nagle's algorithm
    meeting delayed ACKs): a script file on a kept-alive connection took 44 ms, now 1-2 ms (a page loads 85-140
    of them over six connections). True when set."""
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
        return False  # a Unix socket (server.address=unix:...) has no delay to switch off
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:  # the peer already went: nothing to speed up
        return False
    return True


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with the header wait and the connection limit of `GUARD`."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        no_delay(transport)
        if GUARD is not None:
            GUARD.opened(self)

    def connection_lost(self, exc) -> None:
        if GUARD is not None:
            GUARD.done_waiting(self)
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        # a complete request head moves h11 out of IDLE (to SEND_BODY, DONE, or a protocol switch)
        if GUARD is not None and self.conn.their_state is not h11.IDLE:
            GUARD.done_waiting(self)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # kept alive for another request: its head must come in time too (an idle connection is closed
        # sooner by uvicorn's own keep-alive timeout, 5 s)
        if GUARD is not None and not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            GUARD.wait(self)


def _loading_uvicorn_config():
    """The uvicorn Config whose load() is importing the server module (`streamlit run server.py` builds it
    before it imports the app), or None when imported any other way (tests, scripts)."""
    try:
        from uvicorn.config import Config
    except ImportError:
        return None
    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Config):
            return candidate
        frame = frame.f_back
    return None


def limits(max_connections: int | None = None, header_timeout_s: float | None = None) -> tuple[int, float, int]:
    """(max open connections, header wait, accept backlog) for this process, within its open-files limit.

    asyncio accepts up to `backlog` connections in one turn of the loop before this module sees any of them,
    and a connection closed to make room gives its descriptor back one turn later: so the limit stays two
    backlogs (plus FD_RESERVE and what is open now) below the open-files limit, and accept() never fails."""
    soft = raise_open_files_limit()
    backlog = min(128, max(16, soft // 8))
    wanted = max_connections or int(_env_number("THB_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS, int))
    room = soft - open_files() - FD_RESERVE - 2 * backlog
    return (
        max(16, min(wanted, room)),
        header_timeout_s or _env_number("THB_HEADER_TIMEOUT_S", DEFAULT_HEADER_TIMEOUT_S),
        backlog,
    )


def install(config=None, max_connections: int | None = None, header_timeout_s: float | None = None) -> bool:
    """Put the guarded protocol on uvicorn's Config (the one loading server.py unless given). False when
    there is none (server.py imported by a test): nothing changes then."""
    global GUARD
    config = config or _loading_uvicorn_config()
    if config is None:
        return False
    n, wait_s, backlog = limits(max_connections, header_timeout_s)
    GUARD = Guard(n, wait_s)
    config.http = GuardedH11Protocol
    config.http_protocol_class = GuardedH11Protocol
    config.backlog = backlog  # the listening queue, and the most connections accepted in one turn of the loop
    log.info("connections: at most %d open, %.0f s to send a request head, accept backlog %d", n, wait_s, backlog)
    return True


def on_server_loop(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """The event loop's own error reports (e.g. accept() failing) at one line per condition per interval."""
    (loop or asyncio.get_running_loop()).set_exception_handler(loop_exception_handler(LOG_EVERY_S, log))
