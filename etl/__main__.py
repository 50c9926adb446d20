"""`python -m etl` builds the harmonised dataset; see `python -m etl --help`."""

from etl.cli import main

raise SystemExit(main())
