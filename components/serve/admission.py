"""Fair first runs under a burst: ASGI middleware that lets a few new sessions run their first page at a
time and queues the rest (first come, first served).

Why: Streamlit runs each session's script in its own thread, and one event-loop thread flushes every
session's messages to its websocket. When 30 sessions start at once, 30 script threads share the
interpreter lock with that event loop; the loop gets a turn about once in 31, so no message (not even
the first) reaches any browser until nearly all scripts are done, and everyone gets the page at the end
of the burst (bench/load.py: first message p50 = script_finished p50). Admitting `slots` first runs at
a time keeps the loop responsive: the first visitors get their page in a fraction of a second, the last
no later than before.

How: on a `/_stcore/stream` websocket, the connection's first client message (the browser's
`rerun_script`) waits for a slot; the slot is given back when the server sends that run's
`script_finished`, when the connection closes, or after `hold_s` seconds, whichever comes first. Later
messages of the same connection (widget changes) are never held, and nothing else (HTTP, static files,
health checks) passes through the gate. Used by server.py; the proxy (nginx) needs no part of it.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

_SMALL = 512  # a script_finished ForwardMsg is a few dozen bytes: parse only messages this small
_EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN


def _is_run_end(payload: bytes) -> bool:
    if len(payload) > _SMALL:
        return False
    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:  # not ours to judge: let it pass
        return False
    return msg.WhichOneof("type") == "script_finished" and msg.script_finished != _EARLY


DEFAULT_SLOTS = 2
# first runs in progress now, in this process (read by the warm-up, components/serve/warmup.py, which builds the
# pages' default Figures only while no visitor's first run is under way: a visitor's run goes first)
FIRST_RUNS = {"running": 0}


def default_slots() -> int:
    """First runs admitted at a time: THB_FIRST_RUN_SLOTS (0 turns the gate off, for measuring without
    it), else 2. Not the number of cores: one process runs Python on one core at a time (the
    interpreter lock), and measured here 1, 2 and 4 slots gave the same total within the noise; 2
    rather than 1 so that one slow first run does not hold up everyone behind it."""
    try:
        return max(0, int(os.environ.get("THB_FIRST_RUN_SLOTS", "")))
    except ValueError:
        return DEFAULT_SLOTS


class FirstRunAdmission:
    """ASGI middleware: at most `slots` sessions run their first script at a time (see module doc)."""

    def __init__(
        self,
        app: Any,
        slots: int | None = None,
        hold_s: float = 20.0,
        wait_s: float = 120.0,
        path_suffix: str = "_stcore/stream",
    ) -> None:
        self.app = app
        self.slots = default_slots() if slots is None else slots  # 0: no gate
        self.hold_s = hold_s  # a slot is given back after this long even if the run has not finished
        self.wait_s = wait_s  # nobody waits longer than this for a slot (admitted anyway)
        self.path_suffix = path_suffix
        self._sem: asyncio.Semaphore | None = None
        self.waiting = 0  # sessions queued now (for tests and logs)

    async def __call__(self, scope: dict, receive, send) -> None:
        if not self.slots or scope.get("type") != "websocket" or not scope.get("path", "").endswith(self.path_suffix):
            await self.app(scope, receive, send)
            return
        if self._sem is None:  # created on the server's event loop
            self._sem = asyncio.Semaphore(self.slots)
        sem = self._sem
        state = {"admitted": False, "held": False, "timer": None, "running": False}

        def release() -> None:
            if state["running"]:
                state["running"] = False
                FIRST_RUNS["running"] -= 1
            if state["held"]:
                state["held"] = False
                if state["timer"] is not None:
                    state["timer"].cancel()
                sem.release()

        async def gated_receive():
            msg = await receive()
            if msg.get("type") == "websocket.receive" and not state["admitted"]:
                state["admitted"] = True
                self.waiting += 1
                try:
                    await asyncio.wait_for(sem.acquire(), self.wait_s)
                    state["held"] = True
                    state["timer"] = asyncio.get_running_loop().call_later(self.hold_s, release)
                except TimeoutError:
                    pass  # admitted without a slot rather than never
                finally:
                    self.waiting -= 1
                    state["running"] = True
                    FIRST_RUNS["running"] += 1
            elif msg.get("type") == "websocket.disconnect":
                release()
            return msg

        async def watched_send(msg: dict) -> None:
            if (state["held"] or state["running"]) and (
                msg.get("type") == "websocket.close"
                or msg.get("type") == "websocket.send"
                and _is_run_end(msg.get("bytes") or b"")
            ):
                release()
            await send(msg)

        try:
            await self.app(scope, gated_receive, watched_send)
        finally:
            release()
