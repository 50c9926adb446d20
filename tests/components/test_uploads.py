"""The reader of an organisation's own figures (components/uploads.py) on every bad input of issue 17.

Every file here is synthetic, built in the test: made-up organisations and counts."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from components import uploads as u
from components.dataset import REPO, load

HEADER = ",".join(u.COLUMNS)
ORG = "Synthetic Help Centre"


@pytest.fixture(scope="module")
def cb():
    return load(REPO / "data").codebook  # the real codebook: it holds the NGO indicators


def row(country="EE", period="2023", indicator="victims_assisted", value="12", unit="persons", org=ORG,
        note="synthetic", breakdown="total", category="total", sep=","):
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
    assert "Read 2 rows from a.csv (UTF-8, comma): 2 kept, 0 with problems. Countries: EE, LV. Years: 2021–2023." \
        in u.summary_text(up).replace("\\", "")


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""),
                                          ("cp1257", b"")])
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
    up = u.read(csv_file(row(indicator="victim_asisted"), row(country="Latvija", category="femal", breakdown="sex"),
                         row(country="XX"), row(unit="per_million"), row(indicator="ngo_hotline_contacts")),
                "codes.csv", cb)
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
    assert {c for r, c in problems(up) if r == 3} == {"country", "period", "indicator", "value", "unit",
                                                       "organisation"}


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
    data = xlsx_file([["EE", 2023, "victims_assisted", "total", "total", 12, "persons", ORG, "x"],
                      ["LV", 2023.0, "victims_assisted", "total", "total", "=SUM(1,2)", "persons", ORG, "x"],
                      ["LT", 2023, "victims_assisted", "total", "total", 7, "persons", "=HYPERLINK(\"x\")", "x"]])
    up = u.read(data, "fig.xlsx", cb)
    assert up.rows["country"].tolist() == ["EE", "LT"] and up.rows["value"].tolist() == [12.0, 7.0]
    assert problems(up) == [(3, "value")]
    assert up.summary["encoding"] == "XLSX"


@pytest.mark.parametrize("name,members,words", [
    ("m.xlsm", None, "macros"),
    ("m.xlsx", {"xl/vbaProject.bin": b"\x00" * 100}, "macros"),
    ("l.xlsx", {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}, "external links"),
    ("b.xlsx", {"xl/media/bomb.bin": b"\x00" * (30 * 1024 * 1024)}, "unpacks to more than"),
    ("r.xlsx", {"xl/media/zeros.bin": b"\x00" * (5 * 1024 * 1024)}, "zip bomb"),
])
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
    a = pd.DataFrame({"country": ["EE", "LV"], "period_start": [2023, 2023], "period_end": [2023, 2023],
                      "indicator": "victims", "breakdown": "total", "category": "total", "unit": "persons",
                      "organisation": ORG, "value": [1.0, 2.0]})
    b = a.iloc[[0]].assign(value=5.0)
    m = u.merge(a, b)
    assert sorted(m["value"]) == [2.0, 5.0]
