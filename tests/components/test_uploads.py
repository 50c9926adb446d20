"""The reader of an organisation's own figures (components/uploads/read.py) on every bad input of issue 17.

Every file here is synthetic, built in the test: made-up organisations and counts."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from components.core.dataset import load
from components.uploads import read as u
from etl.countries import BALTIC
from etl.paths import REPO_ROOT

HEADER = ",".join(u.COLUMNS)
ORG = "Synthetic Help Centre"


@pytest.fixture(scope="module")
def cb():
    return load(REPO_ROOT / "data").codebook  # the real codebook: it holds the NGO indicators


def row(
    country="EE",
    period="2023",
    indicator="victims_assisted",
    value="12",
    unit="persons",
    org=ORG,
    note="synthetic",
    breakdown="total",
    category="total",
    sep=",",
):
    return sep.join([country, period, indicator, breakdown, category, value, unit, org, note])


def csv_file(*rows, sep=",", encoding="utf-8") -> bytes:
    return ("\n".join([HEADER.replace(",", sep), *rows]) + "\n").encode(encoding)


def xlsx_file(rows, extra_members: dict | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "figures"
    ws.append(list(u.COLUMNS))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    if not extra_members:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        for name, data in extra_members.items():
            dst.writestr(name, data)
    return out.getvalue()


def problems(up) -> list[tuple]:
    return [(p.row, p.column) for p in up.problems]


def test_good_rows_are_kept_with_the_builds_columns(cb):
    up = u.read(csv_file(row(), row("LV", "2021-2023", "ngo_hotline_contacts", "1 234", "contacts")), "a.csv", cb)
    assert not up.problems and len(up.rows) == 2
    r = up.rows.set_index("country")
    assert r.loc["LV", "period_start"] == 2021 and r.loc["LV", "period_end"] == 2023 and r.loc["LV", "value"] == 1234
    assert set(up.rows["grade"]) == {u.OWN_GRADE} and not up.rows["preferred"].any()
    assert set(up.rows["source_id"]) == {"own:" + ORG}
    assert up.summary["countries"] == ["EE", "LV"] and up.summary["years"] == (2021, 2023)
    assert (
        "Read 2 rows from a.csv (UTF-8, comma): 2 kept, 0 with problems. Countries: EE, LV. Years: 2021–2023."
        in u.summary_text(up).replace("\\", "")
    )


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("cp1257", b"")])
def test_encodings(cb, encoding, bom):
    org = "Šiaulių pagalbos centras (sintetinis) ā ū"
    up = u.read(bom + csv_file(row("LT", org=org), encoding=encoding), "enc.csv", cb)
    assert not up.problems, up.problems
    assert up.rows["organisation"].iloc[0] == org
    assert up.summary["encoding"] == {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1257": "Windows-1257"}[encoding]


def test_semicolons_and_decimal_commas(cb):
    up = u.read(csv_file(row(value="12,0", sep=";"), row("LV", value="3,5", sep=";"), sep=";"), "semi.csv", cb)
    assert up.summary["separator"] == "semicolon"
    assert up.rows["value"].tolist() == [12.0]
    assert problems(up) == [(3, "value")] and "whole number" in up.problems[0].message


def test_withheld_counts_stay_withheld(cb):
    up = u.read(csv_file(row(value="<5"), row("LV", value="< 5")), "s.csv", cb)
    assert up.rows["suppressed"].all() and up.rows["value"].isna().all()
    assert set(up.rows["flags"]) == {"suppressed_lt5"}
    again = u.read(u.figures_csv(up.rows), "again.csv", cb)  # the download uploads again, '<5' as '<5'
    assert again.rows["suppressed"].all() and len(again.rows) == 2


@pytest.mark.parametrize("data,words", [(b"", "empty"), (b"\n\n", "empty"), (csv_file(), "no rows")])
def test_empty_files(cb, data, words):
    up = u.read(data, "e.csv", cb)
    assert up.rows.empty and words in up.problems[0].message


def test_size_and_row_limits(cb):
    big = csv_file(*[row(period=str(2000 + i % 20), org=f"Org {i}") for i in range(160_000)])
    assert len(big) > 10 * 1024 * 1024
    up = u.read(big, "big.csv", cb)
    assert up.rows.empty and f"{u.MAX_MB} MB" in up.problems[0].message
    many = csv_file(*[row(org=f"O{i}") for i in range(u.MAX_ROWS + 1)])
    assert len(many) < u.MAX_BYTES
    up = u.read(many, "many.csv", cb)
    assert up.rows.empty and "More than 5,000 rows" in up.problems[0].message


def test_unknown_codes_are_named_with_the_nearest(cb):
    up = u.read(
        csv_file(
            row(indicator="victim_asisted"),
            row(country="Latvija", category="femal", breakdown="sex"),
            row(country="XX"),
            row(unit="per_million"),
            row(indicator="ngo_hotline_contacts"),
        ),
        "codes.csv",
        cb,
    )
    by = {(p.row, p.column): p.message for p in up.problems}
    assert "unknown indicator “victim_asisted”; did you mean victims_assisted" in by[(2, "indicator")]
    assert "did you mean female" in by[(3, "category")] and (3, "country") not in by  # 'Latvija' is LV
    assert "unknown country “XX”" in by[(4, "country")]
    assert "only counts" in by[(5, "unit")]
    assert "counted in contacts" in by[(6, "unit")]
    assert up.rows.empty and len(up.refused) == 5 and set(up.refused["row"]) == {2, 3, 4, 5, 6}


def test_every_problem_of_a_row_is_listed_and_good_rows_kept(cb):
    up = u.read(csv_file(row(), row("", "20x3", "", "-3", "", ""), row("LT")), "mix.csv", cb)
    assert sorted(up.rows["country"]) == ["EE", "LT"]
    assert {c for r, c in problems(up) if r == 3} == {"country", "period", "indicator", "value", "unit", "organisation"}


def test_duplicates_and_the_example_row(cb):
    up = u.read(csv_file(row(), row()), "dup.csv", cb)
    assert len(up.rows) == 1 and "the same figure as row 2" in up.problems[0].message
    up = u.read(u.template_csv(), "template.csv", cb)
    assert up.rows.empty and "example row" in up.problems[0].message


def test_formulas_never_run_and_html_stays_text(cb):
    link = '=HYPERLINK("http://example.invalid","click")'
    html = "<script>alert(1)</script> <b>Centre</b>"
    up = u.read(csv_file(row(org=html, note=link, sep=";"), row("LV", value="=1+1", sep=";"), sep=";"), "f.csv", cb)
    assert problems(up) == [(3, "value")] and "formula" in up.problems[0].message
    assert up.rows["note"].iloc[0] == link and up.rows["organisation"].iloc[0] == html  # kept as text
    out = u.figures_csv(up.rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in out  # a spreadsheet shows it as text
    assert "<script>" not in u.summary_text(up) and "\\<script\\>" in u.summary_text(up)


def test_xlsx_is_read_and_formulas_refused(cb):
    data = xlsx_file(
        [
            ["EE", 2023, "victims_assisted", "total", "total", 12, "persons", ORG, "x"],
            ["LV", 2023.0, "victims_assisted", "total", "total", "=SUM(1,2)", "persons", ORG, "x"],
            ["LT", 2023, "victims_assisted", "total", "total", 7, "persons", '=HYPERLINK("x")', "x"],
        ]
    )
    up = u.read(data, "fig.xlsx", cb)
    assert up.rows["country"].tolist() == ["EE", "LT"] and up.rows["value"].tolist() == [12.0, 7.0]
    assert problems(up) == [(3, "value")]
    assert up.summary["encoding"] == "XLSX"


@pytest.mark.parametrize(
    "name,members,words",
    [
        ("m.xlsm", None, "macros"),
        ("m.xlsx", {"xl/vbaProject.bin": b"\x00" * 100}, "macros"),
        ("l.xlsx", {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}, "external links"),
        ("b.xlsx", {"xl/media/bomb.bin": b"\x00" * (30 * 1024 * 1024)}, "unpacks to more than"),
        ("r.xlsx", {"xl/media/zeros.bin": b"\x00" * (5 * 1024 * 1024)}, "zip bomb"),
    ],
)
def test_unsafe_workbooks_are_refused_before_opening(cb, name, members, words):
    data = xlsx_file([["EE", 2023, "victims_assisted", "total", "total", 12, "persons", ORG, "x"]], members)
    if len(data) > u.MAX_BYTES:
        pytest.skip("larger than the size limit")  # (refused by the size limit, tested above)
    up = u.read(data, name, cb)
    assert up.rows.empty and words in up.problems[0].message


def test_not_a_workbook_and_old_excel(cb):
    assert "not a readable .xlsx" in u.read(b"PK\x03\x04garbage", "x.xlsx", cb).problems[0].message
    assert ".xls" in u.read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "x.xls", cb).problems[0].message


def test_template_xlsx_has_code_lists_and_a_synthetic_example(cb):
    data = u.template_xlsx(cb)
    wb = load_workbook(io.BytesIO(data))
    ws = wb["figures"]
    assert [c.value for c in ws[1]] == list(u.COLUMNS)
    assert "synthetic" in ws["H2"].value.lower() and "synthetic" in ws["I2"].value.lower()
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert set(lists) == {"A", "C", "D", "E", "G"} and all(f.startswith("codes!") for f in lists.values())
    codes = [c.value for c in wb["codes"]["D"]][1:]
    assert "ngo_hotline_contacts" in codes and "population" not in codes and "tip_tier" not in codes
    up = u.read(data, "template.xlsx", cb)  # the untouched template: only its example row, refused as such
    assert up.rows.empty and "example row" in up.problems[0].message


def test_merge_replaces_the_same_figure_only():
    a = pd.DataFrame(
        {
            "country": ["EE", "LV"],
            "period_start": [2023, 2023],
            "period_end": [2023, 2023],
            "indicator": "victims",
            "breakdown": "total",
            "category": "total",
            "unit": "persons",
            "organisation": ORG,
            "value": [1.0, 2.0],
        }
    )
    b = a.iloc[[0]].assign(value=5.0)
    m = u.merge(a, b)
    assert sorted(m["value"]) == [2.0, 5.0]


# --------------------------------------------------------------- issue 27: every reading error caught


def _truncated_sheet_xlsx() -> bytes:
    """A real workbook whose sheet XML is cut in the middle (openpyxl reads it only when the rows are read)."""
    good = xlsx_file([["EE", 2023, "victims_assisted", "total", "total", 12, "persons", ORG, "x"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2]  # "ParseError: no element found" once iterated
            dst.writestr(item, data)
    return out.getvalue()


def _replace_member(name: str, data: bytes) -> bytes:
    good = xlsx_file([["EE", 2023, "victims_assisted", "total", "total", 12, "persons", ORG, "x"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, data if item.filename == name else src.read(item.filename))
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_truncated_sheet_xlsx(), id="truncated sheet XML"),
        pytest.param(
            _replace_member("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row r='1'><c"),
            id="sheet XML cut inside a cell",
        ),
        pytest.param(_replace_member("xl/workbook.xml", b"not xml at all"), id="workbook XML garbage"),
        pytest.param(_replace_member("xl/styles.xml", b"<styleSheet><fonts"), id="styles XML cut"),
    ],
)
def test_a_damaged_workbook_is_refused_with_a_message_naming_excel(cb, data):
    up = u.read(data, "figures.xlsx", cb)  # never raises
    assert up.rows.empty and up.refused_whole
    message = up.problems[0].message
    assert message.startswith("The Excel workbook could not be read") and "read as CSV" not in message


def test_the_truncated_sheet_is_refused_inside_the_guard(cb):
    """The class of issue 27 item 5: reading the rows of a lazily parsed sheet raises inside the guard."""
    with pytest.raises(u.Refused):
        u.read_xlsx_cells(_truncated_sheet_xlsx(), "figures.xlsx")


@pytest.mark.parametrize(
    "data,name,words",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "figures.csv", "PDF document"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "figures.xlsx", "image"),
        (
            b"PK\x03\x04\x14\x00\x00\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
            "f.ods",
            "OpenDocument spreadsheet",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "figures.xlsx", "old Excel file (.xls)"),
        (bytes(range(256)) * 4, "figures.csv", "not a CSV or Excel"),
    ],
)
def test_a_file_of_another_format_is_named_by_what_it_is(cb, data, name, words):
    up = u.read(data, name, cb)
    assert up.rows.empty and words in up.problems[0].message


def test_a_zip_that_is_no_workbook_is_named_so(cb):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "hello")
    assert "zip file but not an Excel workbook" in u.read(buf.getvalue(), "f.xlsx", cb).problems[0].message


def test_the_format_is_known_by_content_not_by_name(cb):
    """A CSV named .xlsx is read as CSV (and the page says so); a workbook named .csv is read as a workbook."""
    up = u.read(csv_file(row()), "figures.xlsx", cb)
    assert len(up.rows) == 1 and any("read as CSV" in n for n in up.notices)
    up = u.read(
        xlsx_file([["EE", 2023, "victims_assisted", "total", "total", 12, "persons", ORG, "x"]]), "figures.csv", cb
    )
    assert len(up.rows) == 1 and up.summary["encoding"] == "XLSX" and not up.notices


# --------------------------------------------------------------------------- encodings: guessed, said


@pytest.mark.parametrize(
    "text,encoding,name",
    [
        ("café ñ", "latin-1", "Windows-1252"),  # issue 27: was read as Windows-1257 ("café ń") without a word
        ("Šiaulių pagalbos centras ā ū ė", "cp1257", "Windows-1257"),
        ("Tallinna Naiste Kriisikodu õ ä ö ü š ž", "cp1257", "Windows-1257"),
        ("Tallinna Naiste Kriisikodu õ ä ö ü š ž", "cp1252", "Windows-1252"),
        ("Центр помощи жертвам торговли людьми", "cp1251", "Windows-1251"),
    ],
)
def test_single_byte_encodings_are_guessed_and_the_page_says_so(cb, text, encoding, name):
    org = f"Synthetic {text}"
    up = u.read(csv_file(row(org=org), encoding=encoding), "enc.csv", cb)
    assert not up.problems, up.problems
    assert up.rows["organisation"].iloc[0] == org  # every letter as written
    assert up.summary["encoding"] == name and up.summary["encoding_guessed"]
    assert len(up.notices) == 1 and "guessed" in up.notices[0] and name in up.notices[0]


@pytest.mark.parametrize(
    "data",
    [
        csv_file(row()),
        b"\xef\xbb\xbf" + csv_file(row(org="Šiaulių centras")),
        csv_file(row(org="Šiaulių centras"), encoding="utf-16"),
    ],
)
def test_utf8_and_utf16_are_certain_no_notice(cb, data):
    up = u.read(data, "u.csv", cb)
    assert len(up.rows) == 1 and not up.notices and not up.summary["encoding_guessed"]


# ------------------------------------------------------------------------ blank lines are not rows


def test_blank_lines_do_not_count_as_rows(cb):
    """Issue 27: 3 good rows followed by 6,000 blank lines were refused as 'more than 5,000 rows'."""
    data = csv_file(row(), row("LV"), row("LT")) + b"\r\n" * 6000 + b",,,,,,,,\n" * 10
    up = u.read(data, "blank.csv", cb)
    assert not up.problems and len(up.rows) == 3 and up.summary["rows_read"] == 3


def test_rows_keep_their_spreadsheet_numbers_across_blank_lines(cb):
    data = (HEADER + "\n\n" + row() + "\n\n\n" + row("XX") + "\n").encode()
    up = u.read(data, "gaps.csv", cb)
    assert problems(up) == [(6, "country")]  # header 1, blank 2, first row 3, blanks 4-5, the bad row 6


def test_blank_rows_of_a_workbook_do_not_count(cb):
    good = ["EE", 2023, "victims_assisted", "total", "total", 12, "persons", ORG, "x"]
    data = xlsx_file([good] + [[None] * 9] * 6000 + [["LT", *good[1:]]])
    up = u.read(data, "blank.xlsx", cb)
    assert not up.problems and up.rows["country"].tolist() == ["EE", "LT"]
    assert up.rows["raw_row"].tolist() == [2, 6003]


# ------------------------------------------------------------------ implausible values: warned, kept


def test_a_count_above_the_population_is_kept_with_a_warning(cb):
    population = {"EE": {2022: 1_331_796.0, 2023: 1_365_884.0}}  # synthetic numbers for the test
    up = u.read(
        csv_file(row(value="2000000"), row(period="2022", value="12"), row("LV", value="3000000")),
        "big.csv",
        cb,
        population=population,
    )
    assert len(up.rows) == 3 and not up.problems  # kept: an organisation may have a reason; but warned
    assert [(w.row, w.column) for w in up.warnings] == [(2, "value")]  # LV: no population given, no guess
    assert "more than the population of Estonia in 2023" in up.warnings[0].message
    assert list(up.warnings_table().columns) == ["row", "column", "problem"]


def test_the_population_check_uses_the_datasets_cited_population(cb):
    ds = load(REPO_ROOT / "data")
    pop = u.population_of(ds.table)
    assert set(pop) >= set(BALTIC) and all(v > 1_000_000 for v in pop["EE"].values())
    up = u.read(csv_file(row(value="99999999")), "big.csv", cb, population=pop)
    assert len(up.warnings) == 1 and len(up.rows) == 1


# --------------------------------------------------------------------------- your figures to keep

ROUND_TRIP_COLUMNS = [
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


def _same_rows(a, b):
    pd.testing.assert_frame_equal(
        a[ROUND_TRIP_COLUMNS].reset_index(drop=True), b[ROUND_TRIP_COLUMNS].reset_index(drop=True)
    )


def _mixed(cb):
    up = u.read(
        csv_file(
            row(),
            row("LV", "2021-2023", "ngo_hotline_contacts", "1 234", "contacts"),
            row("LT", "2022", "ngo_persons_assisted", "<5", org="www.evil.example"),
            row("EE", "2021", note='=HYPERLINK("http://example.invalid")'),
            row("LV", "2020", note="-3 persons moved; +1 later", org="@Centre"),
        ),
        "mixed.csv",
        cb,
    )
    assert not up.problems and len(up.rows) == 5
    return up


def test_the_csv_download_is_exactly_the_rows_kept_and_uploads_again(cb):
    up = _mixed(cb)
    data = u.figures_csv(up.rows)
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(frame.columns) == list(u.COLUMNS) and len(frame) == 5  # never the template's example row
    assert u.EXAMPLE_ORG not in data.decode("utf-8-sig")
    again = u.read(data, "thb-baltic_your-figures.csv", cb)
    assert not again.problems and not again.notices
    _same_rows(up.rows, again.rows)  # formula-like notes too: the download's apostrophe is taken off again


def test_the_excel_download_is_exactly_the_rows_kept_and_uploads_again(cb):
    up = _mixed(cb)
    data = u.figures_xlsx(up.rows, cb)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["figures", "codes", "how to"]
    ws = wb["figures"]
    assert [c.value for c in ws[1]] == list(u.COLUMNS) and ws.max_row == 6
    assert ws["I5"].data_type == "s" and ws["I5"].value.startswith("=HYPERLINK")  # text, never a formula
    again = u.read(data, "thb-baltic_your-figures.xlsx", cb)
    assert not again.problems
    _same_rows(up.rows, again.rows)


def test_the_workbooks_texts_are_in_the_language_asked_for(cb):
    from components.core import i18n

    up = _mixed(cb)
    english = load_workbook(io.BytesIO(u.figures_xlsx(up.rows, cb)))["how to"]["A1"].value
    with i18n.using("et"):
        estonian = load_workbook(io.BytesIO(u.figures_xlsx(up.rows, cb))).worksheets[2]["A1"].value
        expected = i18n._(u.YOURS)
    assert english == u.YOURS and estonian == expected and estonian != english


@pytest.mark.parametrize("lang", ["et", "lv", "lt", "ru"])
def test_the_templates_explain_in_the_language_asked_for(cb, lang):
    """Issue 29: the templates' words (example row, how-to sheet and its title, the codes' label headers and
    labels, the drop-down's error) in the reader's language; the column names and codes stay codes. A template
    downloaded in one language still has its example row recognised in another."""
    from components.core import i18n

    english_csv = u.template_csv().decode("utf-8-sig")
    english = load_workbook(io.BytesIO(u.template_xlsx(cb)))
    with i18n.using(lang):
        csv_text, data = u.template_csv().decode("utf-8-sig"), u.template_xlsx(cb)
        victims_label = cb.indicator_label("victims")
    header, example = csv_text.splitlines()[:2]
    assert header == ",".join(u.COLUMNS) and u.EXAMPLE_ORG not in example and "Synthetic" not in example
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["figures", "codes"] and wb.sheetnames[2] != "how to"
    assert [c.value for c in wb["figures"][1]] == list(u.COLUMNS)
    for mine, theirs in zip(
        wb.worksheets[2].iter_rows(values_only=True), english["how to"].iter_rows(values_only=True)
    ):
        assert mine[0] != theirs[0]  # every line translated
    heads = [c.value for c in wb["codes"][1] if c.value]
    assert "indicator" in heads and "indicator label" not in heads
    victims = next(r for r in wb["codes"].iter_rows(min_row=2, values_only=True) if r[3] == "victims")
    assert victims[4] == victims_label and victims[4] != "Registered or identified victims"
    dv = wb["figures"].data_validations.dataValidation[0]
    assert dv.errorTitle != "Not a code"
    # uploaded as it is, in English: the example row is still the example
    up = u.read(csv_text.encode("utf-8"), "template.csv", cb)
    assert [p.column for p in up.problems] == ["organisation"] and english_csv != csv_text


def test_organisation_names_are_escaped_in_the_summary(cb):
    """Uploaded organisation names go through md_escape (which also stops autolinks: components/core/style.py)."""
    from components.core.style import md_escape

    up = _mixed(cb)
    text = u.summary_text(up)
    assert md_escape("www.evil.example") in text and md_escape("@Centre") in text


@pytest.mark.parametrize(
    "reader,data,what",
    [("read_csv_cells", csv_file(row()), "CSV text"), ("read_xlsx_cells", xlsx_file([]), "an Excel workbook")],
)
def test_an_unforeseen_reader_error_is_still_refused_naming_the_format(cb, monkeypatch, reader, data, what):
    def broken(*args, **kwargs):
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(u, reader, broken)
    up = u.read(data, "f.bin", cb)
    assert up.rows.empty and f"could not be read as {what} (RuntimeError)" in up.problems[0].message
