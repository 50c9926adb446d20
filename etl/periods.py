"""Reference periods as printed by sources -> (start year, end year).

A multi-year figure keeps its span; it is never spread over years.
"""

from __future__ import annotations

import re

YEAR_MIN, YEAR_MAX = 1990, 2100  # the years a harmonised row may have (the schema checks them)
_YEAR = r"(19|20)\d\d"
_PATTERNS = [
    # 2020
    (re.compile(rf"^({_YEAR})$"), lambda m: (int(m.group(1)), int(m.group(1)))),
    # 2012-2016
    (re.compile(rf"^({_YEAR})-({_YEAR})$"), lambda m: (int(m.group(1)), int(m.group(3)))),
    # 2025-06 (a month), 2012-01/05 (months of one year)
    (re.compile(rf"^({_YEAR})-\d\d(/\d\d)?$"), lambda m: (int(m.group(1)), int(m.group(1)))),
    # 2013-08/2015-12
    (re.compile(rf"^({_YEAR})-\d\d/({_YEAR})-\d\d$"), lambda m: (int(m.group(1)), int(m.group(3)))),
]


def parse_period(label: str) -> tuple[int, int]:
    """Return (start, end) years of a printed period; raise ValueError if unreadable."""
    text = str(label).strip()
    for pattern, convert in _PATTERNS:
        match = pattern.match(text)
        if match:
            start, end = convert(match)
            if end < start:
                raise ValueError(f"period {text!r} ends before it starts")
            return start, end
    raise ValueError(f"unreadable period {text!r} (expected e.g. 2020, 2012-2016, 2013-08/2015-12)")
