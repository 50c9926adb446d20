"""Profile one page's script run with pyinstrument: `python bench/profile_page.py compare [--cold]`.

Prints the call tree of a warm rerun (default) or of the first run in a fresh process (`--cold`),
with the real data. AppTest runs the script in its own thread, which a profiler started in the main
thread does not see, so the profiler is started inside Streamlit's script runner.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
logging.disable(logging.WARNING)

PAGES = ("overview", "compare", "trends", "map", "data", "methodology", "check", "present")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", choices=PAGES)
    ap.add_argument("--cold", action="store_true", help="profile the first run instead of a warm rerun")
    ap.add_argument("--min", type=float, default=0.005, help="hide calls shorter than this (seconds)")
    args = ap.parse_args()

    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    os.environ.pop("THB_DATA_DIR", None)
    sessions = []
    state = {"on": False}
    run_script = script_runner.ScriptRunner._run_script

    def profiled(self, *a, **k):  # runs in the script thread
        if not state["on"]:
            return run_script(self, *a, **k)
        prof = Profiler(interval=0.0005)
        prof.start()
        try:
            return run_script(self, *a, **k)
        finally:
            prof.stop()
            sessions.append(prof.last_session)

    script_runner.ScriptRunner._run_script = profiled
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if args.page != "overview":
        at.switch_page(f"app_pages/{args.page}.py")
    if not args.cold:
        at.run()
        at.run()
    state["on"] = True
    t0 = time.perf_counter()
    at.run()
    took = time.perf_counter() - t0
    print(f"{args.page}: {'first run' if args.cold else 'warm rerun'} {took:.3f} s (profiled, so slower)")
    total = sessions[0].duration or 1
    print(
        ConsoleRenderer(
            unicode=True, color=False, time="seconds", processor_options={"filter_threshold": args.min / total}
        ).render(sessions[0])
    )


if __name__ == "__main__":
    main()
