"""The NGO worker's journey in a real browser (issue 26), in Estonian: upload 14 synthetic rows on
/your-figures, see them on Trends with their own legend entry, download them (CSV and Excel) and find exactly
the uploaded rows in the files; a file over the limit is refused in Estonian, by the reader (over 2 MB) or by the
uploader itself (over its transport limit), whose English texts are replaced by the page's.
Screenshots: artifacts/screens/your_figures_<lang>_<page>_<width>.png (1440×900 and 390×844)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, app_console_errors, new_offline_page

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (apt-get install chromium)")

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg"
UPLOAD = "[data-testid='stFileUploaderDropzoneInput']"
ORG = "Synthetic Shelter (e2e test)"
ROUND_TRIP = [
    "country",
    "period_start",
    "period_end",
    "period_label",
    "indicator",
    "breakdown",
    "category",
    "unit",
    "value",
    "suppressed",
    "organisation",
    "note",
]
SIZES = {"1440": (1440, 900), "390": (390, 844)}
ET = {
    "limit": "Kuni 2 MB · CSV või Excel (.xlsx)",
    "kept": "14 vastu võetud, 0 probleemidega",
    "choose": "Vali fail",
    "remove": "Eemalda",
}


def journey_csv() -> bytes:
    """14 synthetic rows (made-up organisation and counts): an NGO indicator in three countries and years,
    victims_assisted for 2023, hotline contacts, a withheld multi-year count."""
    rows = [
        f"{c},{y},ngo_persons_assisted,total,total,{n},persons,{ORG},synthetic"
        for n, (c, y) in enumerate(((c, y) for c in ("EE", "LV", "LT") for y in (2021, 2022, 2023)), start=30)
    ]
    rows += [
        f"{c},2023,victims_assisted,total,total,{v},persons,{ORG},synthetic"
        for c, v in (("EE", 23), ("LV", 41), ("LT", 17))
    ]
    rows += [
        f"EE,2022,ngo_hotline_contacts,total,total,250,contacts,{ORG},synthetic",
        f"LV,2021-2023,ngo_presumed_victims_referred,total,total,<5,persons,{ORG},synthetic",
    ]
    return (
        "country,period,indicator,breakdown,category,value,unit,organisation,source_or_note\n" + "\n".join(rows) + "\n"
    ).encode("utf-8")


def _ready(page, chart: bool = False) -> None:
    page.wait_for_selector(READY, timeout=90_000)
    if chart:
        page.wait_for_selector(CHART, timeout=90_000)
    page.wait_for_timeout(400)
    page.wait_for_selector(READY, timeout=90_000)


def _after(page, selector: str) -> str:
    """The CSS ::after text of the first element matching `selector` (the uploader's words we write)."""
    return page.evaluate(
        "(s) => { const e = document.querySelector(s); return e ? getComputedStyle(e, '::after').content : null; }",
        selector,
    )


def _shot(page, name: str, lang: str, anchor: str) -> None:
    """The page's top, then scrolled to `anchor` (Streamlit scrolls inside its main block, so a full-page
    screenshot is one window high), at 1440×900 and 390×844."""
    for width, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(700)
        page.screenshot(path=str(ARTIFACTS / f"your_figures_{lang}_{name}_{width}.png"), animations="disabled")
        page.locator(anchor).first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"your_figures_{lang}_{name}_{width}_lower.png"), animations="disabled")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.wait_for_timeout(400)


def _upload(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.set_input_files(UPLOAD, str(path))


def _downloaded(page, label: str, tmp_path) -> bytes:
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name=label).click()
    target = tmp_path / dl.value.suggested_filename
    dl.value.save_as(str(target))
    return target.read_bytes()


def _journey(page, tmp_path, app_url, lang: str, texts: dict) -> None:
    page.goto(f"{app_url}/your-figures?lang={lang}")
    _ready(page)
    page.wait_for_selector(".st-key-own_file [data-testid='stFileUploaderDropzoneInstructions']", timeout=60_000)
    # the uploader's own English words are replaced by the page's
    assert (
        _after(page, ".st-key-own_file [data-testid='stFileUploaderDropzoneInstructions'] > div")
        == '"' + texts["limit"] + '"'
    )
    assert page.locator(".st-key-own_file [data-testid='stFileUploaderDropzoneInstructions'] span").is_hidden()
    # and a screen reader hears the page's words for its buttons, never Streamlit's English
    page.locator(".st-key-own_file button[aria-label='" + texts["choose"] + "']").wait_for(timeout=10_000)
    _upload(page, tmp_path, "minu_andmed.csv", journey_csv())
    page.get_by_text(texts["kept"]).first.wait_for(timeout=60_000)
    _ready(page)
    page.locator(".st-key-own_file button[aria-label='" + texts["remove"] + " minu_andmed.csv']").wait_for(
        timeout=10_000
    )
    _shot(page, "page", lang, ".st-key-own_forget")


def ngo_journey(chromium_browser, app_url, tmp_path):
    """The NGO worker's journey (tests/e2e/test_journeys_e2e.py runs it on a fresh server)."""
    from components.core.dataset import load
    from components.uploads.read import read
    from etl.paths import REPO_ROOT

    page = new_offline_page(chromium_browser, app_url)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        _journey(page, tmp_path, app_url, "et", ET)
        # download and compare: exactly the rows uploaded, in both files
        cb = load(REPO_ROOT / "data").codebook
        uploaded = read(journey_csv(), "minu_andmed.csv", cb).rows
        for label in ("Laadi oma andmed alla (CSV)", "Laadi oma andmed alla (Excel)"):
            data = _downloaded(page, label, tmp_path)
            again = read(data, label, cb)
            assert not again.problems, (label, again.problems)
            pd.testing.assert_frame_equal(again.rows[ROUND_TRIP], uploaded[ROUND_TRIP], obj=label)

        # the link to Trends: the NGO indicator's lines, with their legend label, on a continuous year axis
        page.get_by_role("link", name="Vaata neid lehel Suundumused").click()
        _ready(page, chart=True)
        assert "/trends" in page.url and "ind=ngo_persons_assisted" in page.url and "lang=et" in page.url
        chart = page.locator("[data-testid='stVegaLiteChart']").first
        legend = f"{ORG} andmed, mitte ametlik statistika"
        assert chart.locator("svg text", has_text=legend).count() >= 1  # the legend entry
        years = [
            t.strip()
            for t in chart.locator("svg .role-axis-label text").evaluate_all("els => els.map(e => e.textContent)")
        ]
        assert {"2021", "2022", "2023"} <= set(years)
        assert not [y for y in years if y.isdigit() and len(y) == 4 and years.count(y) > 1]  # no year twice
        _shot(page, "trends", "et", CHART)

        # victims_assisted (chosen in the same session: a reload would forget the figures): own 2023 beside the
        # official years, on one continuous axis
        box = page.locator("[data-testid='stMain'] input[role='combobox'][aria-label='Näitaja']")
        box.click()
        box.fill("Abi saanud")  # the list is long and drawn in part: filter it
        page.get_by_role("option", name="Abi saanud ohvrid", exact=True).click()
        _ready(page, chart=True)
        assert "ind=victims_assisted" in page.url
        chart = page.locator("[data-testid='stVegaLiteChart']").first
        assert chart.locator("svg text", has_text=legend).count() >= 1
        _shot(page, "trends_victims_assisted", "et", CHART)
        # the session's figures survive the page switches (the uploader is on another page now)
        page.locator("[data-testid='stSidebarNavLink']", has_text="Oma andmete lisamine").click()
        _ready(page)
        assert page.get_by_text("Teie andmed selles seansis").count() == 1
        assert not app_console_errors(page) and not page.blocked
    finally:
        page.context.close()


def test_a_file_over_the_limit_is_refused_in_estonian(chromium_browser, app_url, tmp_path):
    page = new_offline_page(chromium_browser, app_url)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        _journey(page, tmp_path, app_url, "et", ET)
        # over 2 MB: read and refused by the page, in Estonian; the summary is the new file's
        _upload(page, tmp_path, "suur.csv", journey_csv() + b"\n" * (3 * 1024 * 1024))
        page.get_by_text("Faili suur.csv ei loetud").wait_for(timeout=60_000)
        _ready(page)
        assert page.get_by_text("Fail on suurem kui 2 MB", exact=False).count() == 1
        assert page.get_by_text("failist minu_andmed.csv").count() == 0
        page.screenshot(
            path=str(ARTIFACTS / "your_figures_et_too_large_1440.png"), full_page=True, animations="disabled"
        )
        # over the uploader's own limit: refused before it is sent, said in Estonian (not Streamlit's English)
        _upload(page, tmp_path, "liiga_suur.csv", b"x" * (11 * 1024 * 1024))
        page.locator(".st-key-own_file [data-testid='stFileChip'][aria-invalid='true']").wait_for(timeout=30_000)
        assert (
            _after(page, ".st-key-own_file [data-testid='stFileChip'] [role='alert']")
            == '"Ei loetud: suurem kui 2 MB või ei ole CSV- ega Exceli fail."'
        )
        page.locator(".st-key-own_file [data-testid='stFileChip'][aria-invalid='true']").hover()
        page.locator("[data-testid='stTooltipErrorContent']").wait_for(timeout=10_000)
        page.wait_for_timeout(300)
        assert (
            _after(page, "[data-testid='stTooltipErrorContent']")
            == '"Ei loetud: suurem kui 2 MB või ei ole CSV- ega Exceli fail."'
        )
        page.screenshot(path=str(ARTIFACTS / "your_figures_et_refused_chip_1440.png"), animations="disabled")
        assert not app_console_errors(page) and not page.blocked
    finally:
        page.context.close()


def test_the_journey_in_latvian_for_the_screenshots(chromium_browser, app_url, tmp_path):
    page = new_offline_page(chromium_browser, app_url)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        _journey(
            page,
            tmp_path,
            app_url,
            "lv",
            {
                "limit": "Ne vairāk kā 2 MB · CSV vai Excel (.xlsx)",
                "kept": "14 pieņemtas",
                "choose": "Izvēlēties failu",
                "remove": "Noņemt",
            },
        )
        page.get_by_role("link", name="Skatīt tos lapā Tendences").click()
        _ready(page, chart=True)
        chart = page.locator("[data-testid='stVegaLiteChart']").first
        assert chart.locator("svg text", has_text=f"{ORG} dati, nevis oficiālā statistika").count() >= 1
        _shot(page, "trends", "lv", CHART)
        assert not app_console_errors(page) and not page.blocked
    finally:
        page.context.close()
