"""Command line: build (default), report, import-glotip, import-research, refresh eurostat."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from etl.errors import BuildError
from etl.paths import DEFAULT_PATHS, DataPaths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Build and check the harmonised THB dataset.")
    parser.add_argument("--data", type=Path, default=DEFAULT_PATHS.root, help="data folder (default: data/)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("build", help="build data/harmonised/thb_baltic.csv (the default)")
    sub.add_parser("report", help="print the coverage matrix and every conflict between sources")
    glotip = sub.add_parser("import-glotip", help="import a dataUNODC data_glotip export (xlsx or csv), then build")
    glotip.add_argument("file", type=Path)
    glotip.add_argument("--source-id", help="e.g. UNODC_GLOTIP_2026 (default: from the extraction date)")
    research = sub.add_parser("import-research", help="import a research collection folder (figures.csv, sources.csv)")
    research.add_argument("folder", type=Path)
    adding = sub.add_parser(
        "add-research",
        help="add a folder of dated research additions (<date>_figures.csv, "
        "<date>_sources.csv) to data/raw and sources.csv, then build",
    )
    adding.add_argument("folder", type=Path)
    refresh = sub.add_parser(
        "refresh", help="pull official series from the web (needs internet), then build and print a diff"
    )
    refresh.add_argument(
        "source", choices=["eurostat"], help="eurostat: the crim_thb datasets for EE, LV, LT and EU27_2020"
    )
    refresh.add_argument(
        "--dataset", action="append", help="only this dataset code (repeatable; default: every crim_thb_* dataset)"
    )
    refresh.add_argument("--geo", action="append", help="geo code (repeatable; default: EE, LV, LT, EU27_2020)")
    refresh.add_argument("--date", type=dt.date.fromisoformat, help="snapshot date YYYY-MM-DD (default: today, UTC)")
    args = parser.parse_args(argv)
    paths = DataPaths(args.data.resolve())
    try:
        if args.command == "refresh":
            from etl.eurostat_refresh import refresh as run_refresh

            outcome = run_refresh(paths, day=args.date, datasets=args.dataset, geos=args.geo)
            print(outcome.text, file=sys.stdout if outcome.exit_code == 0 else sys.stderr)
            return outcome.exit_code
        if args.command == "report":
            from etl.report import report

            print(report(paths))
            return 0
        if args.command == "import-glotip":
            from etl.glotip_import import GlotipFormatError, import_glotip

            try:
                target, rows, source_id = import_glotip(args.file, paths, source_id=args.source_id)
            except (GlotipFormatError, OSError) as exc:
                print(f"import-glotip: {exc}", file=sys.stderr)
                return 2
            print(f"wrote {rows} rows to {target.relative_to(paths.root)} (source {source_id})")
        if args.command == "import-research":
            from etl.research_import import import_research

            print(import_research(args.folder, paths))
        if args.command == "add-research":
            import datetime as _dt

            from etl.research_import import add_research

            counts = add_research(args.folder, paths, accessed=_dt.date.today().isoformat())
            print(
                f"added rows per raw file and new sources: {counts} (new sources carry a first-guess grade "
                "to review in data/sources.csv)"
            )
        from etl.build import build

        started = time.perf_counter()
        result = build(paths)
        seconds = time.perf_counter() - started
        table = result.table
        print(
            f"built {paths.output.relative_to(paths.root)}: {len(table)} rows "
            f"({int(table['preferred'].sum())} preferred), {len(result.excluded)} raw rows excluded by the mapping, "
            f"in {seconds:.2f} s"
        )
        return 0
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
