"""Rounding as statistics offices round: half up, on a number's decimal value. Defined once; the app's
number formatting (components/core/style.py) and the build's stored rates use it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def round_half_up(value: float | Decimal, decimals: int) -> Decimal:
    """`value` rounded half up on its decimal value (5.35 -> 5.4, 3.95 -> 4.0, -0.25 -> -0.3), not on its binary
    one (Python's round(5.35, 1) and f'{5.35:.1f}' give 5.3, because 5.35 is stored as 5.3499…). The value's
    shortest decimal form (repr) is what is rounded; NaN for what is not a number."""
    try:
        exact = Decimal(repr(float(value)))
    except (InvalidOperation, TypeError, ValueError):
        return Decimal("NaN")
    if not exact.is_finite():
        return Decimal("NaN")
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def stored(exact: float, places: int, shown: int = 1, most: int = 12) -> float:
    """`exact` with `places` decimals, or more where fewer would make the `shown` digits differ from the exact
    value's (0.349981 stored as 0.3500 would show 0.4, not 0.3): a stored value is rounded once for display."""
    target = round_half_up(exact, shown)
    for p in range(places, most + 1):
        value = round(float(exact), p)
        if round_half_up(value, shown) == target:
            return value
    return float(exact)
