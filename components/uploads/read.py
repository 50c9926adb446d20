"""An organisation's own figures: the template, the reader and its checks, the file to take away. Pure.

A partner organisation (a shelter, a hotline, an NGO) fills in the template (CSV or XLSX) with its own
counts and uploads it on the "Add your figures" page. `read(data, filename, codebook)` checks every row by
the build's rules (codes of the codebook, periods as `etl.periods` reads them, the units of the codebook,
`<5` kept as withheld, the harmonised table's pandera schema as a last gate) and returns an `Upload`:
the rows kept (harmonised columns, `grade` = OWN_GRADE, never preferred), the rows refused with every
problem named by row and column in plain words, and a summary of what was read. Nothing is half-applied:
a row is kept whole or refused whole; a file that cannot be read safely is refused whole.

Hostile or broken input loses nothing and reveals nothing:
- encodings: UTF-8 (with or without BOM), UTF-16 (with BOM), else Windows-1257 (Baltic); separators `,`
  `;` or tab (whichever the header uses); decimal commas (`12,5`) and spaces as thousands separators;
- limits: MAX_BYTES per file and MAX_ROWS rows, said on the page; an empty file is said to be empty;
- XLSX: the zip is checked before openpyxl opens it (member count, uncompressed size, compression ratio:
  no zip bomb), macros (`.xlsm`, `vbaProject.bin`) and external links are refused; cells are read as
  written (`data_only=False`): a formula is never evaluated, and a formula in a code or number cell
  refuses the row (a cached result could be anything);
- text cells stay text: a label starting with `=` is kept as written and shown escaped; the CSV
  download (`export.csv_bytes`) puts an apostrophe before it, so a spreadsheet never runs it;
- an unknown code is named with the nearest codes (difflib) of the codebook.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from components.core import i18n
from components.core.i18n import N_, _
from components.core.style import fmt_number
from components.draw import files as ex
from etl.countries import BALTIC  # an organisation's figures are about one of them
from etl.periods import YEAR_MAX, YEAR_MIN, parse_period

COLUMNS = ("country", "period", "indicator", "breakdown", "category", "value", "unit", "organisation", "source_or_note")
REQUIRED = ("country", "period", "indicator", "value", "unit", "organisation")
MAX_BYTES = 2 * 1024 * 1024  # 2 MB: a few thousand rows take a few hundred kB
MAX_MB = 2  # the uploader's limit (st.file_uploader(max_upload_size=...)), the same number
MAX_ROWS = 5000
MAX_TEXT = {"organisation": 80, "source_or_note": 300}
MAX_CELL = 200  # a code or number cell longer than this is not a code or a number
OWN_GRADE = "own_figures"  # the grade of every uploaded row: not in codebook/grades.csv, never official
OWN_SOURCE_PREFIX = "own:"  # source_id of an uploaded row: own:<organisation>
EXAMPLE_ORG = N_("EXAMPLE (synthetic) - delete this row")  # written in the reader's language, known in any
EXAMPLE_NOTE = N_("Synthetic example, not a real figure: replace this row with your own.")
COUNT_UNITS = ("persons", "cases", "offences", "contacts")  # counts only: rates come from official population
NOT_UPLOADABLE_KINDS = ("context", "rank")  # population, the US TIP tier: not an organisation's count
# the zip of an .xlsx: refused before it is opened when any of these is exceeded (a zip bomb stops here)
ZIP_MAX_MEMBERS = 200
ZIP_MAX_TOTAL = 25 * 1024 * 1024
ZIP_MAX_RATIO = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FORMULA = ("=", "+", "@")  # '-' starts negative numbers; it is refused as a value anyway


@dataclass
class Problem:
    row: int | None  # the spreadsheet's row number (the header is row 1); None: the whole file
    column: str  # the template column, or '' for the row or the file
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "problem": self.message}


@dataclass
class Upload:
    rows: pd.DataFrame  # the kept rows, harmonised columns + organisation
    problems: list[Problem] = field(default_factory=list)
    refused: pd.DataFrame = field(default_factory=pd.DataFrame)  # the refused rows as read + 'problems'
    summary: dict = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # kept rows whose value looks implausible
    notices: list[str] = field(default_factory=list)  # how the file was read, when it was a guess

    @property
    def ok(self) -> bool:
        return not self.rows.empty

    @property
    def refused_whole(self) -> bool:
        """Nothing was read: the whole file was refused (one problem, not tied to a row)."""
        return (
            self.rows.empty
            and self.refused.empty
            and bool(self.problems)
            and self.problems[0].row is None
            and not self.summary.get("rows_read")
        )

    def problems_table(self) -> pd.DataFrame:
        return pd.DataFrame([p.as_dict() for p in self.problems], columns=["row", "column", "problem"])

    def warnings_table(self) -> pd.DataFrame:
        return pd.DataFrame([p.as_dict() for p in self.warnings], columns=["row", "column", "problem"])


# ------------------------------------------------------------------------------------------ codes


@dataclass(frozen=True)
class Codes:
    """The codes an upload may use, from the dataset's codebook (labels for suggestions)."""

    indicators: dict  # code -> (label, unit)
    units: tuple
    categories: dict  # breakdown -> set of categories ('*': any country code)
    country_names: dict  # lower-case name or code -> code
    country_labels: dict = field(default_factory=dict)  # code -> name in the run's language (messages)

    @classmethod
    def from_codebook(cls, cb) -> Codes:
        ind = {}
        for r in cb.indicators.to_dict("records"):
            if r.get("kind") in NOT_UPLOADABLE_KINDS or r.get("unit") not in COUNT_UNITS:
                continue
            ind[r["indicator"]] = (cb.indicator_label(r["indicator"]), r["unit"])  # in the run's language
        cats: dict = {}
        for r in cb.categories.to_dict("records"):
            cats.setdefault(r["breakdown"], set()).add(r["category"])
        names = {c.lower(): c for c in BALTIC}
        for c in BALTIC:
            names[cb.country_label(c).lower()] = c
        names.update({"eesti": "EE", "latvija": "LV", "lietuva": "LT", "est": "EE", "lva": "LV", "ltu": "LT"})
        units = tuple(u for u in COUNT_UNITS if u in set(cb.units.get("unit", pd.Series(dtype=str))))
        return cls(ind, units or COUNT_UNITS, cats, names, {c: cb.country_label(c) for c in BALTIC})


@cache
def _example_orgs() -> frozenset[str]:
    """The example row's organisation in every language: a template downloaded in one language and uploaded
    in another is still recognised."""
    return frozenset(i18n.translator(lang).gettext(EXAMPLE_ORG) for lang in i18n.LANGS)


def nearest(value: str, codes, labels: dict | None = None, n: int = 3) -> list[str]:
    """The codes nearest to `value` (by code, then by label): 'victim' -> ['victims', …]."""
    v = value.strip().lower()
    found = difflib.get_close_matches(v, [str(c).lower() for c in codes], n=n, cutoff=0.5)
    by_lower = {str(c).lower(): c for c in codes}
    out = [by_lower[f] for f in found]
    if labels:
        lab = {str(text).lower(): code for code, text in labels.items()}
        for f in difflib.get_close_matches(v, list(lab), n=n, cutoff=0.5):
            if lab[f] not in out:
                out.append(lab[f])
    return out[:n]


def _unknown(what: str, value: str, codes, labels: dict | None = None) -> str:
    near = nearest(value, codes, labels)
    text = _("unknown {what} “{value}”").format(what=_(what), value=_short(value))
    if near:
        text += "; " + _("did you mean {codes}?").format(codes=", ".join(near))
    return text


def _short(text: str, n: int = 40) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------------------------------- reading


class Refused(Exception):
    """The whole file is refused (unsafe or unreadable): `message` says why in plain words."""


# single-byte encodings a spreadsheet in the region may save a CSV in, most likely first (a tie goes to the first)
SINGLE_BYTE = (("cp1257", "Windows-1257"), ("cp1252", "Windows-1252"), ("cp1251", "Windows-1251"))
_BALTIC_LETTERS = set("ąčęėįšųūžāēģīķļņõäöüĄČĘĖĮŠŲŪŽĀĒĢĪĶĻŅÕÄÖÜ")
_WESTERN_LETTERS = set("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœšžÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒŠŽ")
_WORD = re.compile(r"[^\W\d_]{3,}")


def _cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _plausibility(text: str, latin: bool) -> int:
    """How much `text` looks like the region's writing: +1 for each letter of the Baltic, Western European or
    Cyrillic alphabets, -2 for an undefined byte or a control character; -2 for each word of three letters or
    more that is all non-ASCII in a Latin script (Cyrillic read as Latin) or mixes scripts (Latin read as
    Cyrillic)."""
    score = 0
    for ch in text:
        if ch < "\x80":
            continue
        if ch in _BALTIC_LETTERS or ch in _WESTERN_LETTERS or _cyrillic(ch):
            score += 1
        elif ch == "\ufffd" or ch < "\xa0":
            score -= 2
    for word in _WORD.findall(text):
        if (
            latin
            and all(c >= "\x80" for c in word)
            or not latin
            and any(_cyrillic(c) for c in word)
            and any(c < "\x80" for c in word)
        ):
            score -= 2
    return score


def decode(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding name, guessed): UTF-8 (BOM or not) and UTF-16 (with its BOM) are certain; any other
    file is read in the most plausible of SINGLE_BYTE (guessed: the page says so)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), "UTF-8", False
        except UnicodeDecodeError:
            raise Refused(_("The file says it is UTF-8 but is not; save it again as CSV UTF-8.")) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16", False
        except UnicodeDecodeError:
            raise Refused(_("The file says it is UTF-16 but is not; save it again as CSV UTF-8.")) from None
    if len(data) > 3 and data[1:2] == b"\x00" and data[3:4] == b"\x00":  # UTF-16 LE without a BOM
        try:
            return data.decode("utf-16-le"), "UTF-16", False
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8", False
    except UnicodeDecodeError:
        pass
    best = None
    for codec, name in SINGLE_BYTE:
        text = data.decode(codec, errors="replace")
        score = _plausibility(text, latin=codec != "cp1251")
        if best is None or score > best[0]:
            best = (score, text, name)
    return best[1], best[2], True


def _separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _blank(row) -> bool:
    return not any(str(c).strip() for c in row)


def read_csv_cells(data: bytes) -> tuple[list[list[str]], dict]:
    """The non-blank rows of a CSV (header first) and what was read: encoding (and whether it was guessed),
    separator, each row's line number (`row_numbers`, for the problems table). Blank lines are skipped and
    never count as rows. Any reading error refuses the file, named as CSV."""
    text, encoding, guessed = decode(data)
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    sep = _separator(first)
    rows, numbers = [], []
    try:
        for n, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sep), start=1):
            if _blank(row):
                continue
            rows.append(row)
            numbers.append(n)  # as a spreadsheet numbers it (a blank line is a row there)
            if len(rows) > MAX_ROWS + 1:
                break
    except (csv.Error, ValueError) as exc:
        raise Refused(
            _("The file could not be read as CSV text ({why}): save it again as CSV UTF-8, or as .xlsx.").format(
                why=type(exc).__name__
            )
        ) from None
    return rows, {
        "encoding": encoding,
        "encoding_guessed": guessed,
        "row_numbers": numbers,
        "separator": {",": "comma", ";": "semicolon", "\t": "tab"}[sep],
    }


def check_xlsx_zip(data: bytes, filename: str = "") -> None:
    """Refuse an .xlsx that is unsafe to open: macros, external links, a zip bomb, not a workbook."""
    if filename.lower().endswith((".xlsm", ".xltm", ".xlsb")):
        raise Refused(_("Workbooks with macros (.xlsm, .xlsb) are refused: save it as .xlsx or CSV."))
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Refused(_("This is not a readable .xlsx workbook; save it again as .xlsx or CSV.")) from None
    infos = z.infolist()
    if len(infos) > ZIP_MAX_MEMBERS:
        raise Refused(_("The workbook has too many parts to be a filled-in template; use CSV."))
    total = sum(i.file_size for i in infos)
    if total > ZIP_MAX_TOTAL:
        raise Refused(
            _("The workbook unpacks to more than {n} MB; a template of {rows} rows is far smaller.").format(
                n=ZIP_MAX_TOTAL // (1024 * 1024), rows=MAX_ROWS
            )
        )
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > ZIP_MAX_RATIO * max(i.compress_size, 1):
            raise Refused(_("The workbook is compressed suspiciously well (a “zip bomb”?); it was not opened."))
    names = [i.filename.lower() for i in infos]
    if any(n.endswith("vbaproject.bin") for n in names):
        raise Refused(_("The workbook contains macros; they are refused. Save it as .xlsx without macros, or as CSV."))
    if any(n.startswith("xl/externallinks/") for n in names):
        raise Refused(
            _(
                "The workbook links to other files (external links); they are refused. Copy the "
                "values into the template and upload that."
            )
        )
    if "[content_types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise Refused(_("This is a zip file but not an Excel workbook (.xlsx): save your figures as .xlsx or CSV."))


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float)):
        return repr(v) if isinstance(v, float) else str(v)
    if hasattr(v, "year") and hasattr(v, "month"):  # a date cell: its year, as the template asks
        return str(v.year)
    return str(v)


MAX_SCAN_ROWS = 100_000  # rows of a sheet read at most, blank ones included (formatting can reach row 1,048,576)


def read_xlsx_cells(data: bytes, filename: str = "") -> tuple[list[list[str]], dict]:
    """The non-blank rows of the workbook's sheet 'figures' (else its first sheet), header first, with their
    row numbers. openpyxl reads a sheet's XML only while its rows are iterated, so opening and reading are
    one guarded step: a damaged part refuses the file, named as an Excel workbook, never a traceback."""
    check_xlsx_zip(data, filename)
    from openpyxl import (
        load_workbook,  # openpyxl uses defusedxml when installed (it is: a main dependency, pyproject.toml)
    )

    rows, numbers = [], []
    wb = None
    try:
        # data_only=False: a formula is read as its text ("=HYPERLINK(…)"), never as a cached result
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        ws = wb["figures"] if "figures" in wb.sheetnames else wb.worksheets[0]
        for n, values in enumerate(ws.iter_rows(values_only=True, max_col=len(COLUMNS) + 5), start=1):
            if n > MAX_SCAN_ROWS:
                raise Refused(
                    _(
                        "The sheet runs past row {n}; a template holds at most {rows} rows of figures. "
                        "Delete the empty rows under your figures, or save it as CSV."
                    ).format(n=fmt_number(MAX_SCAN_ROWS), rows=fmt_number(MAX_ROWS))
                )
            cells = [_cell_text(v) for v in values]
            if _blank(cells):
                continue
            rows.append(cells)
            numbers.append(n)
            if len(rows) > MAX_ROWS + 1:
                break
    except Refused:
        raise
    except Exception as exc:  # a damaged workbook or sheet (zip, XML, styles): refused whole
        raise Refused(
            _(
                "The Excel workbook could not be read: a part of it is damaged ({why}). Open it in "
                "Excel or LibreOffice and save it again as .xlsx, or as CSV."
            ).format(why=type(exc).__name__)
        ) from None
    finally:
        if wb is not None:
            with contextlib.suppress(Exception):  # closing a damaged workbook: nothing left to lose
                wb.close()
    return rows, {"encoding": "XLSX", "encoding_guessed": False, "separator": "", "row_numbers": numbers}


# ------------------------------------------------------------------------------------------ checks


def parse_value(text: str) -> tuple[float | None, bool, str | None]:
    """(value, suppressed, problem) of a value cell: '12', '1 234', '12,5', '<5'."""
    t = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not t:
        return None, False, _("the value is empty (write <5 for a withheld count, or leave the row out)")
    if t.replace(" ", "") in ("<5", "< 5"):
        return None, True, None
    if t.startswith(_FORMULA):
        return None, False, _("a formula, not a number: type the number itself")
    s = t.replace(" ", "")
    if re.fullmatch(r"\d+,\d+", s):
        s = s.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        return None, False, _("“{v}” is not a number (write digits, e.g. 12, or <5)").format(v=_short(t))
    value = float(s)
    if value < 0:
        return None, False, _("a count cannot be negative")
    if not value.is_integer():
        return (
            None,
            False,
            _("a count must be a whole number (write thousands without a separator or with a space: 1234 or 1 234)"),
        )
    return value, False, None


def _clean(text: str) -> str:
    return _CONTROL.sub("", str(text)).strip()


def check_rows(
    cells: list[list[str]],
    codes: Codes,
    filename: str = "upload",
    row_numbers: list[int] | None = None,
    population: dict | None = None,
) -> Upload:
    """Check the cells of a template (header first) row by row; see the module's docstring.

    `row_numbers`: each row's number in the file (blank rows left out by the reader); default 1, 2, 3 …
    `population`: {country: {year: persons}} (population_of): a count above it is kept with a warning."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(cells) + 1))
    if not cells or not any(c.strip() for c in cells[0]):
        problems.append(Problem(None, "", _("The file is empty: nothing was read.")))
        return _result([], [], problems, {})
    header = [re.sub(r"\s+", "_", _clean(h).lower()) for h in cells[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(
            Problem(
                numbers[0],
                "",
                _("the header lacks the column(s) {cols}; the template's header is: {header}").format(
                    cols=", ".join(missing), header=",".join(COLUMNS)
                ),
            )
        )
        return _result([], [], problems, {})
    extra = [h for h in header if h and h not in COLUMNS]
    body = cells[1:]
    if not any(any(str(c).strip() for c in r) for r in body):
        problems.append(Problem(None, "", _("The file has the template's header but no rows of figures.")))
        return _result([], [], problems, {})
    too_many = len(body) > MAX_ROWS
    if too_many:
        problems.append(
            Problem(
                None,
                "",
                _("More than {n} rows: nothing was read. Split the file (at most {n} rows a file).").format(
                    n=fmt_number(MAX_ROWS)
                ),
            )
        )
        return _result([], [], problems, {})
    pos = {h: header.index(h) for h in COLUMNS if h in header}
    kept, refused, seen = [], [], {}
    inds = codes.indicators
    ind_labels = {k: v[0] for k, v in inds.items()}
    for n, raw in zip(numbers[1:], body):
        if not any(str(c).strip() for c in raw):
            continue  # a blank line: nothing to keep, nothing lost
        cell = {c: (_clean(raw[i]) if i < len(raw) else "") for c, i in pos.items()}
        for c in ("organisation", "source_or_note"):  # our CSV download's apostrophe before a formula-like text
            if cell.get(c, "")[:1] == "'" and cell[c][1:2] and cell[c][1:2] in ex.FORMULA_START:
                cell[c] = cell[c][1:]
        mine: list[Problem] = []

        def bad(column, message, *, mine=mine, n=n):  # this line's list and number, bound here
            mine.append(Problem(n, column, message))

        for c in ("country", "period", "indicator", "breakdown", "category", "unit"):
            if len(cell.get(c, "")) > MAX_CELL:
                bad(c, _("far too long for a code"))
                cell[c] = ""
            elif cell.get(c, "").startswith(_FORMULA):
                bad(c, _("a formula, not a code: type the code itself"))
                cell[c] = ""
        country = cell["country"]
        code = codes.country_names.get(country.lower()) if country else None
        if not country:
            bad("country", _("empty (write EE, LV or LT)"))
        elif not code:
            bad("country", _unknown(N_("country"), country, BALTIC))
        period = cell["period"]
        start = end = None
        if not period:
            bad("period", _("empty (write a year, e.g. 2023, or a span, e.g. 2021-2023)"))
        else:
            try:
                start, end = parse_period(period)
                if not (YEAR_MIN <= start <= YEAR_MAX and YEAR_MIN <= end <= YEAR_MAX):
                    raise ValueError
            except ValueError:
                bad(
                    "period",
                    _("“{p}” is not a period (write a year, e.g. 2023, or a span, e.g. 2021-2023)").format(
                        p=_short(period)
                    ),
                )
                start = end = None
        indicator = cell["indicator"]
        ind_unit = None
        if not indicator:
            bad("indicator", _("empty (write a code from the template's list)"))
        elif indicator not in inds:
            bad("indicator", _unknown(N_("indicator"), indicator, list(inds), ind_labels))
        else:
            ind_unit = inds[indicator][1]
        breakdown = cell.get("breakdown") or "total"
        category = cell.get("category") or "total"
        if breakdown not in codes.categories:
            bad("breakdown", _unknown(N_("breakdown"), breakdown, list(codes.categories)))
        else:
            allowed = codes.categories[breakdown]
            if category not in allowed and not ("*" in allowed and category.upper() == category and len(category) == 2):
                bad("category", _unknown(N_("category"), category, sorted(allowed - {"*"})))
            elif breakdown == "total" and category != "total":
                bad("category", _("with breakdown total the category is total"))
        value, suppressed, why = parse_value(cell["value"])
        if why:
            bad("value", why)
        unit = cell["unit"].lower()
        if not unit:
            bad("unit", _("empty (write {unit})").format(unit=ind_unit or "persons"))
        elif unit not in codes.units:
            rate = unit.startswith("per") or unit in ("percent", "%")
            bad(
                "unit",
                _("only counts can be uploaded; rates are computed here from official population")
                if rate
                else _unknown(N_("unit"), unit, codes.units),
            )
        elif ind_unit and unit != ind_unit:
            bad("unit", _("{indicator} is counted in {unit}").format(indicator=indicator, unit=ind_unit))
        org = cell["organisation"]
        note = cell.get("source_or_note", "")
        if not org:
            bad("organisation", _("empty (write the organisation's name: it is shown beside each figure)"))
        elif org in _example_orgs():
            bad("organisation", _("the template's example row: replace it with your own figures"))
        for c, text in (("organisation", org), ("source_or_note", note)):
            if len(text) > MAX_TEXT[c]:
                bad(c, _("longer than {n} characters").format(n=MAX_TEXT[c]))
        if not mine:
            key = (code, start, end, indicator, breakdown, category, unit, org)
            if key in seen:
                bad("", _("the same figure as row {row}").format(row=seen[key]))
            else:
                seen[key] = n
        if mine:
            problems.extend(mine)
            refused.append(
                {
                    **{c: cell.get(c, "") for c in COLUMNS},
                    "row": n,
                    "problems": "; ".join(f"{p.column or _('row')}: {p.message}" for p in mine),
                }
            )
            continue
        limit = _population_at(population, code, start, end)
        if limit and not suppressed and value is not None and value > limit[1]:
            warnings.append(
                Problem(
                    n,
                    "value",
                    _(
                        "{value} is more than the population of {country} in {year} "
                        "({population}): kept, but check the number"
                    ).format(
                        value=fmt_number(value),
                        country=codes.country_labels.get(code, code),
                        year=limit[0],
                        population=fmt_number(limit[1]),
                    ),
                )
            )
        kept.append(
            {
                "country": code,
                "period_start": start,
                "period_end": end,
                "period_label": period,
                "indicator": indicator,
                "breakdown": breakdown,
                "category": category,
                "unit": unit,
                "value": value,
                "value_low": 1.0 if suppressed else None,
                "value_high": 4.0 if suppressed else None,
                "suppressed": suppressed,
                "source_id": OWN_SOURCE_PREFIX + org,
                "grade": OWN_GRADE,
                "source_location": note or org,
                "preferred": False,
                "flags": "suppressed_lt5" if suppressed else "",
                "note": note,
                "note_keys": "",  # the uploader's own words: no ids, never translated
                "raw_file": filename,
                "raw_row": n,
                "organisation": org,
            }
        )
    if extra:
        problems.append(
            Problem(
                1,
                "",
                _("column(s) not in the template, not read: {cols}").format(
                    cols=", ".join(_short(e, 30) for e in extra[:5])
                ),
            )
        )
    return _result(kept, refused, problems, {}, warnings)


def population_of(table: pd.DataFrame) -> dict:
    """{country: {year: persons}} from the dataset's preferred single-year population rows (a cited figure)."""
    if table is None or table.empty:
        return {}
    p = table[
        (table["indicator"] == "population")
        & (table["unit"] == "persons")
        & (table["period_start"] == table["period_end"])
        & table["value"].notna()
    ]
    if "preferred" in p.columns:
        p = p[p["preferred"].astype(bool)]
    out: dict = {}
    for r in p.itertuples():
        out.setdefault(r.country, {})[int(r.period_start)] = float(r.value)
    return out


def _population_at(population: dict | None, country, start, end) -> tuple[int, float] | None:
    """(year, persons): the country's population in the period's last year, else in the nearest year known."""
    years = (population or {}).get(country) or {}
    if not years or end is None:
        return None
    year = min(years, key=lambda y: (abs(y - int(end)), -y))
    return year, years[year]


def _result(
    kept: list[dict], refused: list[dict], problems: list[Problem], info: dict, warnings: list[Problem] | None = None
) -> Upload:
    # the build's columns and schema, imported when an upload is read: the build brings pandera (about 0.4 s),
    # which every page's first run paid through the controls' import of the overlay
    from etl.build import COLUMNS as HARMONISED_COLUMNS  # an upload's rows have these too, plus the organisation
    from etl.schema import harmonised_schema

    rows = pd.DataFrame(kept, columns=HARMONISED_COLUMNS + ["organisation"])
    if not rows.empty:  # the build's own schema, as a last gate (the row checks above should catch all)
        rows = rows.astype(
            {
                "period_start": int,
                "period_end": int,
                "raw_row": int,
                "suppressed": bool,
                "preferred": bool,
                "value": float,
                "value_low": float,
                "value_high": float,
            }
        )
        schema = harmonised_schema(sorted(set(rows["indicator"])), sorted(set(rows["unit"])), ["suppressed_lt5"])
        try:
            schema.validate(rows[HARMONISED_COLUMNS], lazy=True)
        except Exception:  # pragma: no cover - a rule above missed something: keep nothing rather than junk
            problems.append(
                Problem(None, "", _("The rows passed the checks but not the dataset's schema; nothing was kept."))
            )
            rows = rows.iloc[0:0]
    refused_df = pd.DataFrame(refused, columns=["row", *COLUMNS, "problems"])
    return Upload(
        rows=rows.reset_index(drop=True),
        problems=problems,
        refused=refused_df,
        summary=summarise(rows, len(kept) + len(refused), len(refused)),
        warnings=list(warnings or []),
    )


def summarise(rows: pd.DataFrame, n_read: int, n_refused: int) -> dict:
    years = (int(rows["period_start"].min()), int(rows["period_end"].max())) if not rows.empty else None
    return {
        "rows_read": n_read,
        "rows_kept": int(len(rows)),
        "rows_refused": n_refused,
        "countries": sorted(set(rows["country"])) if not rows.empty else [],
        "years": years,
        "indicators": sorted(set(rows["indicator"])) if not rows.empty else [],
        "organisations": sorted(set(rows["organisation"])) if not rows.empty else [],
    }


def sniff(data: bytes) -> str:
    """What a file is by its first bytes: 'xlsx' (a zip: Excel or another zip), 'ods', 'xls' (an old Office
    file), 'pdf', 'image', 'binary', or 'text' (read as CSV)."""
    head = data[:2048]
    if head.startswith(b"PK\x03\x04"):
        if b"mimetypeapplication/vnd.oasis.opendocument" in head:
            return "ods"
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")):
        return "image"
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return "text"
    if len(head) > 3 and head[1:2] == b"\x00" and head[3:4] == b"\x00":  # UTF-16 LE without a BOM
        return "text"
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 20:
        return "binary"
    return "text"


_NOT_A_TEMPLATE = {
    "ods": N_("This is an OpenDocument spreadsheet (.ods), which cannot be read here: save it as .xlsx or CSV."),
    "xls": N_("This is an old Excel file (.xls), which cannot be read here: save it as .xlsx or CSV."),
    "pdf": N_("This is a PDF document, not a CSV or Excel (.xlsx) file: upload the filled-in template."),
    "image": N_("This is an image, not a CSV or Excel (.xlsx) file: upload the filled-in template."),
    "binary": N_("This is not a CSV or Excel (.xlsx) file (its content is not text): upload the filled-in template."),
}


def read(data: bytes, filename: str, codebook, population: dict | None = None) -> Upload:
    """Read and check an uploaded template (CSV or XLSX, known by its content, not its name). Never raises for
    bad input: every reading error refuses the file with a message naming the format it really has.
    `population` ({country: {year: persons}}, population_of): counts above it are kept with a warning."""
    name = str(filename or "upload")
    if not data:
        up = check_rows([], Codes.from_codebook(codebook), name)
        up.summary.update(file=name)
        return up
    if len(data) > MAX_BYTES:
        return _refused(
            name,
            _("The file is larger than {mb} MB; at most {mb} MB and {rows} rows can be read. Split it.").format(
                mb=MAX_MB, rows=fmt_number(MAX_ROWS)
            ),
        )
    kind = sniff(data)
    notices = []
    try:
        if kind in _NOT_A_TEMPLATE:
            raise Refused(_(_NOT_A_TEMPLATE[kind]))
        if kind == "xlsx":
            cells, info = read_xlsx_cells(data, name)
        else:
            if name.lower().endswith((".xlsx", ".xlsm", ".xltx", ".xltm")):
                notices.append(_("The file is named like an Excel workbook but holds text: it was read as CSV."))
            cells, info = read_csv_cells(data)
    except Refused as exc:
        return _refused(name, str(exc))
    except Exception as exc:  # a reader's error not foreseen above: still refused, named by the real format
        what = _("an Excel workbook") if kind == "xlsx" else _("CSV text")
        return _refused(
            name,
            _("The file could not be read as {what} ({why}); save it again as CSV UTF-8 or .xlsx.").format(
                what=what, why=type(exc).__name__
            ),
        )
    numbers = info.pop("row_numbers", None)
    up = check_rows(cells, Codes.from_codebook(codebook), name, numbers, population)
    if info.get("encoding_guessed"):
        notices.append(
            _(
                "The file is not UTF-8, so its encoding was guessed: it was read as {encoding}. If "
                "letters look wrong in the table below (e.g. ń for ñ, or Ð for Š), save the file as "
                "“CSV UTF-8” and upload it again."
            ).format(encoding=_(ENCODING_NAMES.get(info["encoding"], info["encoding"])))
        )
    up.notices = notices
    up.summary.update(file=name, **info)
    return up


ENCODING_NAMES = {
    "Windows-1257": N_("Windows-1257 (Baltic)"),
    "Windows-1252": N_("Windows-1252 (Western European)"),
    "Windows-1251": N_("Windows-1251 (Cyrillic)"),
}


def _refused(name: str, message: str) -> Upload:
    up = _result([], [], [Problem(None, "", message)], {})
    up.summary.update(file=name)
    return up


def merge(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """The session's figures after another upload: a newer row replaces the same figure of the same
    organisation; every other row stays."""
    if old is None or old.empty:
        return new.reset_index(drop=True)
    key = ["country", "period_start", "period_end", "indicator", "breakdown", "category", "unit", "organisation"]
    both = pd.concat([old, new], ignore_index=True)
    return both.drop_duplicates(subset=key, keep="last").reset_index(drop=True)


SEPARATORS = {"comma": N_("comma"), "semicolon": N_("semicolon"), "tab": N_("tab")}


def summary_text(up: Upload, t=None) -> str:
    """What was read, in plain Markdown words (file name and organisations escaped)."""
    from components.core import i18n
    from components.core.style import md_escape

    s = up.summary
    t = t or i18n.current()
    sep = s.get("separator", "")
    how = ", ".join(x for x in (s.get("encoding", ""), _(SEPARATORS[sep]) if sep in SEPARATORS else sep) if x)
    n = int(s.get("rows_read", 0))
    text = (
        i18n.ngettext("Read {n} row from {file}", "Read {n} rows from {file}", n).format(
            n=t.number(n), file=md_escape(s.get("file", ""))
        )
        + (f" ({md_escape(how)})" if how else "")
        + ": "
        + _("{kept} kept, {refused} with problems.").format(
            kept=t.number(s.get("rows_kept", 0)), refused=t.number(s.get("rows_refused", 0))
        )
    )
    if s.get("countries"):
        a, b = s["years"]
        text += " " + _("Countries: {c}. Years: {y}. Organisations: {o}.").format(
            c=", ".join(s["countries"]),
            y=str(a) if a == b else f"{a}–{b}",
            o=md_escape("; ".join(s.get("organisations", []))),
        )
    return text


# ---------------------------------------------------------------------------- files to take away


def _value_text(v, suppressed) -> str:
    if suppressed:
        return "<5"
    if v is None or pd.isna(v):
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)


def template_frame(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The template's columns; with `rows` (kept rows), those rows as the template holds them."""
    if rows is None:
        return pd.DataFrame(
            [
                {
                    "country": "EE",
                    "period": "2024",
                    "indicator": "ngo_persons_assisted",
                    "breakdown": "total",
                    "category": "total",
                    "value": "12",
                    "unit": "persons",
                    "organisation": _(EXAMPLE_ORG),
                    "source_or_note": _(EXAMPLE_NOTE),
                }
            ],
            columns=list(COLUMNS),
        )
    return pd.DataFrame(
        {
            "country": rows["country"],
            "period": rows["period_label"],
            "indicator": rows["indicator"],
            "breakdown": rows["breakdown"],
            "category": rows["category"],
            "value": [_value_text(v, s) for v, s in zip(rows["value"], rows["suppressed"])],
            "unit": rows["unit"],
            "organisation": rows["organisation"],
            "source_or_note": rows["note"],
        },
        columns=list(COLUMNS),
    )


def template_csv() -> bytes:
    return ex.csv_bytes(template_frame())


def figures_csv(rows: pd.DataFrame) -> bytes:
    """The kept figures as a template CSV (UTF-8 with BOM, formulas neutralised): it uploads again."""
    return ex.csv_bytes(template_frame(rows))


def _xlsx_cell(column: str, text: str):
    """A template cell as a workbook holds it: a whole number or a single year as a number, anything else
    as text (a text that starts like a formula stays text: see _put)."""
    if column in ("value", "period") and re.fullmatch(r"\d{1,9}", str(text)):
        return int(text)
    return str(text)


def _put(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(ex.FORMULA_START):
        # openpyxl would store "=…" as a formula: keep it text, shown as typed (quotePrefix), never run
        cell.data_type = "s"
        cell.quotePrefix = True


def figures_xlsx(rows: pd.DataFrame, codebook) -> bytes:
    """The kept figures as the template workbook (same sheets, lists of codes and columns): it uploads again."""
    return template_xlsx(codebook, rows)


def template_xlsx(codebook, rows: pd.DataFrame | None = None) -> bytes:
    """The template as a workbook: sheet 'figures' (header, then one synthetic example row, or `rows` (kept
    rows) as the template holds them; drop-down lists of the codebook's codes), sheet 'codes' (every code
    with its label), sheet 'how to'. Its texts are in the run's language (the column names stay codes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    codes = Codes.from_codebook(codebook)
    wb = Workbook()
    ws = wb.active
    ws.title = "figures"
    ws.append(list(COLUMNS))
    for c in ws[1]:
        c.font = Font(bold=True)
    for i, rec in enumerate(template_frame(rows).to_dict("records"), start=2):
        for j, column in enumerate(COLUMNS, start=1):
            _put(ws, i, j, _xlsx_cell(column, rec[column]))
    for col, width in zip("ABCDEFGHI", (9, 10, 30, 14, 14, 9, 10, 34, 50)):
        ws.column_dimensions[col].width = width
    lists = ws.parent.create_sheet("codes")
    columns = {
        "country": [(c, codebook.country_label(c)) for c in BALTIC],
        "indicator": [(k, v[0]) for k, v in codes.indicators.items()],
        "breakdown": [(b, codebook.breakdown_label(b)) for b in codes.categories],
        "category": sorted(
            {(c, codebook.category_label(b, c)) for b, cs in codes.categories.items() for c in cs if c != "*"}
        ),
        "unit": [(u, codebook.unit_label(u)) for u in codes.units],
    }
    col = 1
    letters = {}
    for name, items in columns.items():
        lists.cell(row=1, column=col, value=name).font = Font(bold=True)
        lists.cell(row=1, column=col + 1, value=_("{column} label").format(column=name)).font = Font(bold=True)
        for i, (code, label) in enumerate(items, start=2):
            lists.cell(row=i, column=col, value=code)
            lists.cell(row=i, column=col + 1, value=label)
        letter = lists.cell(row=1, column=col).column_letter
        letters[name] = f"codes!${letter}$2:${letter}${len(items) + 1}"
        col += 3
    target = {"country": "A", "indicator": "C", "breakdown": "D", "category": "E", "unit": "G"}
    for name, letter in target.items():
        dv = DataValidation(
            type="list",
            formula1=letters[name],
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Not a code"),
            error=_("Choose a code from the list (sheet 'codes')."),
        )
        dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        ws.add_data_validation(dv)
    how = wb.create_sheet(_("how to"))  # "figures" and "codes" are names the file and its formulas use
    for line in HOW_TO if rows is None else (YOURS,) + HOW_TO[1:]:
        how.append([_(line)])
    how.column_dimensions["A"].width = 110
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


YOURS = N_("Your figures, as the dashboard kept them: upload this file again in a later session to see them.")
HOW_TO = (
    N_("One row a figure. Row 2 is a synthetic example: replace it or delete it."),
    N_("country: EE, LV or LT. period: a year (2023) or a span (2021-2023)."),
    N_("indicator, breakdown, category, unit: codes from the drop-down lists (sheet 'codes')."),
    N_("breakdown and category: total and total for a figure without a breakdown."),
    N_("value: a whole number, or <5 for a count you withhold (kept as withheld, never as a number)."),
    N_(
        "organisation: your organisation's name, shown beside every figure. source_or_note: where the figure "
        "comes from."
    ),
    N_("At most 5,000 rows and 2 MB. Your figures stay in your browser session: nothing is stored on the server."),
)
