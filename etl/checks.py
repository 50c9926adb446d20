"""Flags a reader must know: source quality, series breaks, repeated keys, breakdowns above totals."""

from __future__ import annotations

from collections import defaultdict

from etl.errors import BuildError
from etl.mapping import Draft
from etl.notes import note
from etl.precedence import high
from etl.reference import Reference

SECONDARY_GRADES = {"news_citing_official", "secondary", "tertiary"}


def flag_sources(drafts: list[Draft], ref: Reference) -> None:
    grade = dict(zip(ref.sources["source_id"], ref.sources["grade"]))
    notes = dict(zip(ref.sources["source_id"], ref.sources["notes"]))
    for d in drafts:
        if grade.get(d.source_id) in SECONDARY_GRADES:
            d.flags.add("secondary_source")
        if "LOW CONFIDENCE" in notes.get(d.source_id, "").upper():
            d.flags.add("low_confidence")


def flag_series_breaks(drafts: list[Draft], ref: Reference) -> None:
    """`series_break` on the first year after a break; for a definition break, `definition_differs` and the
    break's note on every row of the years that count differently (all breakdowns and units), so a reader who
    filters one year still sees it."""
    breaks = defaultdict(list)
    spans = defaultdict(list)
    for r in ref.series_breaks.itertuples():
        breaks[(r.country, r.indicator, int(r.year))].append(r)
        if r.kind == "definition":
            start = int(r.differs_from) if r.differs_from else -10_000
            end = int(r.differs_to) if r.differs_to else 10_000
            spans[(r.country, r.indicator)].append((start, end, r))
    for d in drafts:
        for r in breaks.get((d.country, d.indicator, d.period_start), []):
            d.flags.add(r.flag)
            if not (r.kind == "definition" and r.differs_from == r.year):  # else its differs_note says it
                d.notes.append(note("series_break", note=ref.notes.curated(r.note), source=r.source_id))
        for start, end, r in spans.get((d.country, d.indicator), []):
            if start <= d.period_start and d.period_end <= end:
                d.flags.add("definition_differs")
                d.notes.append(note("series_break", note=ref.notes.curated(r.differs_note), source=r.source_id))


def flag_repeated_keys(drafts: list[Draft]) -> None:
    """Several rows of one source for one figure: allowed only where the source itself repeats a key
    (UNODC's 'Other forms of exploitation'); flagged, never summed. Elsewhere it is a transcription error."""
    groups = defaultdict(list)
    for d in drafts:
        groups[(d.key, d.source_id)].append(d)
    problems = []
    for (key, source_id), rows in groups.items():
        if len(rows) < 2:
            continue
        if all(r.raw_file.startswith("unodc_glotip_") for r in rows):
            for r in rows:
                r.flags.add("repeated_key_in_source")
                sheet_rows = ", ".join(r2.source_location.rsplit(" ", 1)[-1] for r2 in rows)
                r.notes.append(note("repeated_key", n=len(rows), rows=sheet_rows))
        elif len({r.value for r in rows}) == 1:
            # The research transcribed one printed figure twice (two workstreams): keep every row, use the first.
            first = min(rows, key=lambda r: (r.raw_file, r.raw_row))
            for r in rows:
                if r is not first:
                    r.flags.add("duplicate_transcription")
                    r.notes.append(note("duplicate_transcription", file=first.raw_file, line=first.raw_row))
        else:
            lines = ", ".join(f"{r.raw_file} line {r.raw_row}" for r in rows)
            problems.append(f"{lines}: the same figure {key} from {source_id} has different values")
    if problems:
        raise BuildError(problems)


def flag_breakdowns(drafts: list[Draft]) -> None:
    """Compare each breakdown with the total from the same source, country, period, indicator and unit."""
    totals, parts = {}, defaultdict(list)
    for d in drafts:
        if d.unit in {"percent", "tier"}:
            continue
        group = (d.country, d.period_start, d.period_end, d.indicator, d.unit, d.source_id)
        if d.breakdown == "total":
            totals[group] = d
        else:
            parts[(group, d.breakdown)].append(d)
    by_group_form = {}
    for d in drafts:
        if d.breakdown == "exploitation" and d.unit == "persons":
            by_group_form[(d.country, d.period_start, d.indicator, d.category, d.source_id)] = d
    for (group, breakdown), rows in parts.items():
        total = totals.get(group)
        if total is None:
            continue
        total_high = high(total)
        for r in rows:
            if r.value is not None and r.value > total_high:
                r.flags.add("breakdown_exceeds_total")
                r.notes.append(note("exceeds_total", total=_show(total)))
                victims = by_group_form.get((r.country, r.period_start, "victims", r.category, r.source_id))
                if (
                    r.indicator == "convicted"
                    and breakdown == "exploitation"
                    and victims is not None
                    and victims.value == r.value
                ):
                    r.flags.add("probable_source_error")
                    r.notes.append(note("repeats_victims"))


def _show(d: Draft) -> float | str:
    """A row's value as a note shows it: the number, or '<5' for a suppressed count."""
    return "<5" if d.suppressed else _value(d.value)


def _value(value: float | None) -> float | int:
    v = float(value or 0)
    return int(v) if v.is_integer() else v
