"""Logs that cannot flood: at most one line per condition per interval.

A hostile client or a fault repeats the same condition thousands of times a second (asyncio's accept loop
logged 198,655 tracebacks of "Too many open files" in 40 s, 80 MB of log). `RateLimit` is a logging filter:
the first record of a condition (logger, level, message template, exception type) in an interval passes,
with its traceback; the others are counted, and the next one that passes says how many were held back.
`loop_exception_handler` does the same for the event loop's own error reports (one line, no traceback
for an operating-system error: the condition is the news, not the stack). Pure: no Streamlit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

INTERVAL_S = 10.0
MAX_CONDITIONS = 512  # conditions remembered at once (a bounded table even under a flood of distinct ones)


class RateLimit(logging.Filter):
    def __init__(self, interval_s: float = INTERVAL_S, clock=time.monotonic) -> None:
        super().__init__()
        self.interval_s, self.clock = interval_s, clock
        self._seen: OrderedDict = OrderedDict()  # condition -> [time it last passed, held back since]
        self._lock = threading.Lock()

    def allow(self, key) -> int | None:
        """None: hold this one back; else the number held back since the last one passed."""
        now = self.clock()
        with self._lock:
            entry = self._seen.get(key)
            if entry is not None and now - entry[0] < self.interval_s:
                entry[1] += 1
                return None
            held = entry[1] if entry is not None else 0
            self._seen[key] = [now, 0]
            self._seen.move_to_end(key)
            while len(self._seen) > MAX_CONDITIONS:
                self._seen.popitem(last=False)
            return held

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        held = self.allow((record.name, record.levelno, str(record.msg)[:200], exc))
        if held is None:
            return False
        if held:
            record.msg = (
                f"{record.getMessage()} ({held} more like this in the last {self.interval_s:.0f} s, not logged)"
            )
            record.args = None
        return True


_INSTALLED: dict[str, RateLimit] = {}


def limit(*logger_names: str, interval_s: float = INTERVAL_S) -> None:
    """Put one RateLimit on each named logger (once per process)."""
    for name in logger_names:
        if name not in _INSTALLED:
            _INSTALLED[name] = RateLimit(interval_s)
            logging.getLogger(name).addFilter(_INSTALLED[name])


def loop_exception_handler(interval_s: float = INTERVAL_S, logger: logging.Logger | None = None):
    """An asyncio exception handler that writes one line per condition per interval."""
    gate = RateLimit(interval_s)
    log = logger or logging.getLogger("thb.server")

    def handle(loop, context: dict) -> None:
        exc = context.get("exception")
        message = str(context.get("message") or "event loop error")
        held = gate.allow((message, type(exc).__name__ if exc else ""))
        if held is None:
            return
        more = f" ({held} more like this in the last {interval_s:.0f} s, not logged)" if held else ""
        if exc is None or isinstance(exc, OSError):
            log.error("%s: %s%s", message, exc if exc is not None else "", more)
        else:
            log.error("%s%s", message, more, exc_info=(type(exc), exc, exc.__traceback__))

    return handle
