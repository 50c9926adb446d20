"""AppTest: the justice chain says how many victims end in a conviction (issue 13): the ratio for each
country, its years and its caveat are on the page, computed by the build (hand-checked totals in
tests/components/test_conversion.py)."""

from __future__ import annotations

from components.core.queries import CONVERSION_CAVEAT
from tests.app.conftest import assert_ok, open_page, synthetic_only


def _captions(at) -> list[str]:
    return [c.value.replace("\\", "") for c in at.caption]  # captions are Markdown-escaped


@synthetic_only
def test_chain_page_shows_the_conversion_line_and_its_caveat():
    at = open_page("trends", {"view": "chain"})
    assert_ok(at)
    caps = _captions(at)
    assert (
        "Estonia: 25 convictions per 100 registered victims (5-year totals, 2019–2023: 84 persons convicted, "
        "336 registered victims)."
    ) in caps
    assert any(
        c.startswith("Latvia: 25 convictions per 100 registered victims (5-year totals, 2018–2022") for c in caps
    )
    assert CONVERSION_CAVEAT in caps
    assert any("convictions per 100 registered victims" in m.value for m in at.markdown)  # the intro says what it is


@synthetic_only
def test_chain_page_says_not_enough_data():
    at = open_page("trends", {"view": "chain", "c": "LV", "yr": "2021-2023"})
    assert_ok(at)
    assert any(
        "Latvia: convictions per 100 registered victims not computed: not enough data (only 2 years" in c
        for c in _captions(at)
    )
