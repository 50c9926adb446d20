"""Load the codebook, mapping tables and source records (all small CSVs, read as text)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.errors import BuildError
from etl.notes import CATALOGUE as NOTE_CATALOGUE, Registry, read_catalogue
from etl.paths import DataPaths


def read_table(path: Path, required: list[str]) -> pd.DataFrame:
    """Read a CSV as text; refuse it with a clear message when missing, empty or lacking columns."""
    if not path.exists():
        raise BuildError([f"{path}: file is missing"])
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise BuildError([f"{path}: file is empty"]) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise BuildError([f"{path}: not a readable CSV ({exc})"]) from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise BuildError([f"{path}: missing column(s) {missing}"])
    frame.index = frame.index + 2  # CSV line numbers (header = line 1) for messages
    return frame


# mapping/series_breaks.csv: where a country's count changes. `kind`: definition (what is counted changes; the
# years on the side that differs, differs_from..differs_to, are flagged definition_differs on every row),
# collection (how it is collected changes), population_method.
SERIES_BREAK_COLUMNS = [
    "country",
    "indicator",
    "year",
    "flag",
    "kind",
    "note",
    "source_id",
    "differs_from",
    "differs_to",
    "differs_note",
]
BREAK_KINDS = ("definition", "collection", "population_method")

# sources.csv: one origin record per document. publisher/title/url/citation say who published it and where it
# lives at the publisher; copy_url/copy_kind/copy_note say how the project obtained a copy (provenance, never
# part of a citation line: see etl/hosts.py).
SOURCE_COLUMNS = [
    "source_id",
    "family",
    "grade",
    "grade_reason",
    "reports_on",
    "publisher",
    "title",
    "url",
    "date_published",
    "date_accessed",
    "licence",
    "citation",
    "copy_url",
    "copy_kind",
    "copy_note",
    "notes",
]


@dataclass
class Reference:
    sources: pd.DataFrame
    grades: pd.DataFrame
    breakdown_rules: pd.DataFrame
    unit_synonyms: pd.DataFrame
    indicators: pd.DataFrame
    categories: pd.DataFrame
    countries: pd.DataFrame
    flags: pd.DataFrame
    units: pd.DataFrame
    unit_map: pd.DataFrame
    figures_indicators: pd.DataFrame
    figures_categories: pd.DataFrame
    glotip_indicators: pd.DataFrame
    glotip_categories: pd.DataFrame
    glotip_sex_age: pd.DataFrame
    country_labels: pd.DataFrame
    precedence: pd.DataFrame
    overrides: pd.DataFrame
    series_breaks: pd.DataFrame
    country_definitions: pd.DataFrame
    eurostat_codes: pd.DataFrame
    hosts: pd.DataFrame
    # the row notes' catalogue (data/i18n/row_notes.csv): id -> {lang: text}; curated texts get their ids from it
    note_catalogue: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)

    @property
    def notes(self) -> Registry:
        if "_notes" not in self.__dict__:
            self.__dict__["_notes"] = Registry(self.note_catalogue)
        return self.__dict__["_notes"]

    @property
    def source_ids(self) -> set[str]:
        return set(self.sources["source_id"])

    @property
    def official_grades(self) -> set[str]:
        return set(self.grades.loc[self.grades["official"] == "yes", "grade"])

    def grade_of(self, source_id: str) -> str:
        if "_grade" not in self.__dict__:
            self.__dict__["_grade"] = dict(zip(self.sources["source_id"], self.sources["grade"]))
        return self.__dict__["_grade"].get(source_id, "")

    def breakdown_kind(self, indicator: str, breakdown: str) -> str:
        """'exclusive' (the categories add up to the total) or 'overlapping' (a person can be counted in
        several), from codebook/breakdown_rules.csv: the indicator's own rule first, then the breakdown's."""
        if "_kinds" not in self.__dict__:
            self.__dict__["_kinds"] = {(r.indicator, r.breakdown): r.kind for r in self.breakdown_rules.itertuples()}
        kinds = self.__dict__["_kinds"]
        return kinds.get((indicator, breakdown)) or kinds.get(("*", breakdown)) or "overlapping"

    def allowed_categories(self, breakdown: str) -> set[str]:
        cache = self.__dict__.setdefault("_allowed", {})
        if breakdown not in cache:
            cache[breakdown] = self._allowed_categories(breakdown)
        return cache[breakdown]

    def _allowed_categories(self, breakdown: str) -> set[str]:
        rows = self.categories[self.categories["breakdown"] == breakdown]
        allowed = set(rows["category"])
        if "*" in allowed:
            allowed |= set(self.countries.loc[self.countries["kind"] != "aggregate", "iso2"])
        return allowed


def load_reference(paths: DataPaths) -> Reference:
    cb, mp = paths.codebook, paths.mapping
    ref = Reference(
        sources=read_table(paths.sources, SOURCE_COLUMNS[:-1]),
        grades=read_table(cb / "grades.csv", ["grade", "rank", "label", "official", "shown_as", "definition"]),
        breakdown_rules=read_table(cb / "breakdown_rules.csv", ["indicator", "breakdown", "kind", "note"]),
        unit_synonyms=read_table(mp / "unit_synonyms.csv", ["indicator", "src_unit", "unit", "note"]),
        indicators=read_table(cb / "indicators.csv", ["indicator", "label", "definition", "unit", "kind", "rate"]),
        categories=read_table(cb / "categories.csv", ["breakdown", "breakdown_label", "category", "label", "order"]),
        countries=read_table(cb / "countries.csv", ["iso2", "name", "kind"]),
        flags=read_table(cb / "flags.csv", ["flag", "label", "meaning"]),
        units=read_table(cb / "units.csv", ["unit", "label"]),
        unit_map=read_table(mp / "units.csv", ["src_unit", "unit", "factor", "flags"]),
        figures_indicators=read_table(
            mp / "figures_indicators.csv",
            ["src_indicator", "action", "indicator", "flags", "note", "breakdown_override", "category_override"],
        ),
        figures_categories=read_table(
            mp / "figures_categories.csv",
            [
                "src_dimension",
                "src_category",
                "country",
                "action",
                "breakdown",
                "category",
                "indicator_override",
                "note",
            ],
        ),
        glotip_indicators=read_table(mp / "glotip_indicators.csv", ["src_indicator", "indicator", "unit"]),
        glotip_categories=read_table(
            mp / "glotip_categories.csv", ["src_dimension", "src_category", "breakdown", "category", "note"]
        ),
        glotip_sex_age=read_table(
            mp / "glotip_sex_age.csv", ["src_sex", "src_age", "breakdown", "category", "form_suffix"]
        ),
        country_labels=read_table(mp / "country_labels.csv", ["label", "iso2"]),
        precedence=read_table(mp / "precedence.csv", ["scope", "grade", "family", "rank", "why"]),
        overrides=read_table(
            mp / "precedence_overrides.csv",
            [
                "country",
                "period_start",
                "period_end",
                "indicator",
                "breakdown",
                "category",
                "unit",
                "preferred_source_id",
                "why",
            ],
        ),
        series_breaks=read_table(mp / "series_breaks.csv", SERIES_BREAK_COLUMNS),
        country_definitions=read_table(
            cb / "country_definitions.csv", ["country", "indicator", "definition", "source_ids"]
        ),
        eurostat_codes=read_table(mp / "eurostat_codes.csv", EUROSTAT_CODE_COLUMNS),
        hosts=read_table(cb / "hosts.csv", ["host", "kind", "who", "why"]),
        note_catalogue=read_catalogue(paths.root / NOTE_CATALOGUE),
    )
    problems = []
    for name, frame, column in (
        ("mapping/series_breaks.csv", ref.series_breaks, "source_id"),
        ("mapping/precedence_overrides.csv", ref.overrides, "preferred_source_id"),
    ):
        for line, sid in frame[column].items():
            if sid not in ref.source_ids:
                problems.append(f"{name} line {line}: source_id {sid!r} is not in sources.csv")
    for line, cell in ref.country_definitions["source_ids"].items():
        for sid in filter(None, cell.split(";")):
            if sid not in ref.source_ids:
                problems.append(
                    f"codebook/country_definitions.csv line {line}: source_id {sid!r} is not in sources.csv"
                )
    problems += check_eurostat_codes(ref)
    problems += check_series_breaks(ref)
    problems += check_sources(ref)
    problems += check_breakdown_rules(ref)
    if problems:
        raise BuildError(problems)
    return ref


EUROSTAT_CODE_COLUMNS = [
    "dataset",
    "dimension",
    "code",
    "label",
    "action",
    "indicator",
    "breakdown",
    "category",
    "unit",
    "country",
    "flag",
    "note",
]
# map: the code sets the fields it fills; ignore: the code does not change the figure (e.g. annual frequency);
# exclude: rows with the code are left out, the note is the reason; missing (flags only): no figure, never zero;
# review: seen by a refresh, not yet reviewed (the build refuses rows that carry it).
EUROSTAT_ACTIONS = {"map", "ignore", "exclude", "missing", "review"}


def check_eurostat_codes(ref: Reference) -> list[str]:
    """The Eurostat code table must be well formed before any row is mapped through it."""
    from etl.countries import COUNTRY_ORDER

    problems = []
    table = ref.eurostat_codes
    where = "mapping/eurostat_codes.csv line"
    indicators, units, flags = set(ref.indicators["indicator"]), set(ref.units["unit"]), set(ref.flags["flag"])
    for line, r in table.iterrows():
        if r["action"] not in EUROSTAT_ACTIONS:
            problems.append(f"{where} {line}: action {r['action']!r} is not one of {sorted(EUROSTAT_ACTIONS)}")
        if r["action"] == "missing" and r["dimension"] != "@flag":
            problems.append(f"{where} {line}: action 'missing' is only for flags (dimension @flag)")
        if bool(r["breakdown"]) != bool(r["category"]):
            problems.append(f"{where} {line}: breakdown and category go together")
        if r["indicator"] and r["indicator"] not in indicators:
            problems.append(f"{where} {line}: indicator {r['indicator']!r} is not in codebook/indicators.csv")
        if r["unit"] and r["unit"] not in units:
            problems.append(f"{where} {line}: unit {r['unit']!r} is not in codebook/units.csv")
        if r["country"] and r["country"] not in COUNTRY_ORDER:
            problems.append(f"{where} {line}: country {r['country']!r} is not one of {list(COUNTRY_ORDER)}")
        if r["flag"] and r["flag"] not in flags:
            problems.append(f"{where} {line}: flag {r['flag']!r} is not in codebook/flags.csv")
    keys = table.groupby(["dataset", "dimension", "code"]).size()
    for key in keys[keys > 1].index:
        problems.append(f"mapping/eurostat_codes.csv: {key} is listed more than once")
    return problems


def check_sources(ref: Reference) -> list[str]:
    """Every source has a known evidence grade with a reason; `reports_on` names a known source; no citation
    line (publisher, title, citation) holds a curator's note or names a code host or a document-sharing site;
    an official-grade source lives on a publisher's host or an archive of record; a copy says how it was
    obtained, and a reprint is never graded official (etl/hosts.py)."""
    from etl.citation import curator_notes_in
    from etl.hosts import CITABLE_KINDS, COPY_KINDS, KINDS, Hosts, host_of

    problems = []
    grades = set(ref.grades["grade"])
    official = ref.official_grades
    known = ref.source_ids
    hosts = Hosts(ref.hosts)
    for line, kind in ref.hosts["kind"].items():
        if kind not in KINDS:
            problems.append(f"codebook/hosts.csv line {line + 2}: kind {kind!r} is not one of {', '.join(KINDS)}")
    for line, r in ref.sources.iterrows():
        where = f"sources.csv line {line + 2} ({r['source_id']})"
        if r["grade"] not in grades:
            problems.append(f"{where}: grade {r['grade']!r} is not in codebook/grades.csv")
        if not r["grade_reason"].strip():
            problems.append(f"{where}: grade_reason is empty (say why the source has its grade)")
        if r["reports_on"] and r["reports_on"] not in known:
            problems.append(f"{where}: reports_on {r['reports_on']!r} is not in sources.csv")
        for field in ("publisher", "title", "citation"):
            notes = curator_notes_in(r[field])
            if notes:
                problems.append(
                    f"{where}: the {field} holds curator notes {notes}; keep them in `notes` "
                    "(etl.citation.clean_citation builds a clean citation)"
                )
            named = hosts.named_in(r[field])
            if named:
                problems.append(
                    f"{where}: the {field} names {named}, where a copy was read; a citation names the "
                    "publisher: move the copy to copy_url/copy_kind/copy_note"
                )
        if r["grade"] in official and r["url"]:
            kind = hosts.kind_of_url(r["url"])
            if kind not in CITABLE_KINDS:
                problems.append(
                    f"{where}: an official grade ({r['grade']}) on host {host_of(r['url'])!r} "
                    f"({kind or 'not listed in codebook/hosts.csv'}); official grades live on a "
                    "publisher's host or an archive of record"
                )
        if bool(r["copy_url"]) != bool(r["copy_kind"]):
            problems.append(f"{where}: copy_url and copy_kind go together (how was the copy obtained?)")
        if r["copy_kind"] and r["copy_kind"] not in COPY_KINDS:
            problems.append(f"{where}: copy_kind {r['copy_kind']!r} is not one of {', '.join(COPY_KINDS)}")
        if r["copy_kind"] == "reprint" and r["grade"] in official:
            problems.append(
                f"{where}: a reprint on a third-party site is graded below the original, not "
                f"{r['grade']!r} (cite the original where it is in sources.csv)"
            )
        if r["copy_url"] and not r["copy_note"].strip():
            problems.append(f"{where}: copy_note is empty (say where the copy was read and why)")
    dup = ref.sources["source_id"].duplicated()
    for line in ref.sources.index[dup]:
        problems.append(f"sources.csv line {line + 2}: source_id {ref.sources.at[line, 'source_id']!r} is listed twice")
    return problems


def check_series_breaks(ref: Reference) -> list[str]:
    """A definition break says which years count differently (the side before it or after it, touching the
    break) and how, so every row of those years can be flagged, not only the first after the break."""
    problems = []
    for line, r in ref.series_breaks.iterrows():
        where = f"mapping/series_breaks.csv line {line + 2}"
        if r["kind"] not in BREAK_KINDS:
            problems.append(f"{where}: kind {r['kind']!r} is not one of {', '.join(BREAK_KINDS)}")
            continue
        span = (r["differs_from"], r["differs_to"])
        if r["kind"] != "definition":
            if any(span) or r["differs_note"]:
                problems.append(f"{where}: differs_from/differs_to/differs_note belong to a definition break")
            continue
        try:
            year = int(r["year"])
            start = int(r["differs_from"]) if r["differs_from"] else None
            end = int(r["differs_to"]) if r["differs_to"] else None
        except ValueError:
            problems.append(f"{where}: year, differs_from and differs_to are years (or empty for an open end)")
            continue
        before, after = (
            end == year - 1 and (start is None or start <= end),
            start == year and (end is None or end >= start),
        )
        if not (before or after):
            problems.append(
                f"{where}: a definition break in {year} names the years that count differently, either "
                f"up to {year - 1} (differs_to) or from {year} (differs_from)"
            )
        if not r["differs_note"].strip():
            problems.append(f"{where}: differs_note says, for every row of those years, what they count")
    return problems


def check_breakdown_rules(ref: Reference) -> list[str]:
    problems = []
    breakdowns = set(ref.categories["breakdown"])
    indicators = set(ref.indicators["indicator"]) | {"*"}
    for line, r in ref.breakdown_rules.iterrows():
        where = f"codebook/breakdown_rules.csv line {line}"
        if r["kind"] not in ("exclusive", "overlapping"):
            problems.append(f"{where}: kind {r['kind']!r} must be 'exclusive' or 'overlapping'")
        if r["breakdown"] not in breakdowns:
            problems.append(f"{where}: breakdown {r['breakdown']!r} is not in codebook/categories.csv")
        if r["indicator"] not in indicators:
            problems.append(f"{where}: indicator {r['indicator']!r} is not in codebook/indicators.csv")
    return problems
