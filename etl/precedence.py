"""Choose the one preferred value per figure by a documented rule; keep every other value visible.

Totals (and every figure outside a breakdown): an explicit override for the figure, else the best
evidence grade (data/mapping/precedence.csv), then refined over preliminary, then the most recently
published, then unrounded over rounded, then the source id. Population: the best grade, then the newest
vintage (publication year), then refined over preliminary, then unrounded.

Breakdowns are chosen as a **set from one source** (never a mix): for a country, period, indicator,
unit and breakdown, each source's rows form one candidate set. A set whose categories are exclusive
(codebook/breakdown_rules.csv) and add up to more than the preferred total (a `<5` counted at its lower
bound, 1) cannot be right and is never preferred. Among the others: the best grade, then the set from
the source of the preferred total, then the set with most categories, then the newest, then the source id.

Rows flagged as a probable source error, repeated within one source, transcribed twice or of low
confidence are never preferred.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from etl.mapping import Draft
from etl.notes import Note, note
from etl.reference import Reference

# A low-confidence figure (incomplete text, uncertain date) stays visible in the table but is never the
# headline value: missing is better than wrong.
NEVER_PREFERRED = {"probable_source_error", "repeated_key_in_source", "duplicate_transcription", "low_confidence"}
STATUS_RANK = {"refined": 0, "": 1, "preliminary": 2}
NO_SUM_UNITS = {"percent", "tier", "per_million", "per_100k"}


def _year(text: str) -> int:
    digits = "".join(ch for ch in text[:4] if ch.isdigit())
    return int(digits) if len(digits) == 4 else 0


def _disagree(rows: list[Draft]) -> bool:
    """True when two values cannot both be right: different numbers, or a number outside a suppressed range."""
    exact = {low(r) for r in rows if not r.suppressed}
    if len(exact) > 1:
        return True
    ranges = [(low(r), high(r)) for r in rows if r.suppressed]
    return any(not (low <= value <= high) for value in exact for low, high in ranges)


def low(d: Draft) -> float:
    """The smallest value a row can stand for (a suppressed '<5' is at least 1)."""
    return _number(d.value_low if d.suppressed else d.value)


def high(d: Draft) -> float:
    return _number(d.value_high if d.suppressed else d.value)


def _number_value(value: float | None) -> float | int:
    """A value as a note holds it (a whole number as an int)."""
    v = _number(value)
    return int(v) if v.is_integer() else v


def _number(value: float | None) -> float:
    """A row's value or bound: every row the mapping made has its value, and its range when suppressed."""
    assert value is not None, "a row without its value or range"
    return float(value)


class Ranker:
    """Orders rows and sources by the precedence table (grade, family) and publication date."""

    def __init__(self, ref: Reference):
        self.grade = dict(zip(ref.sources["source_id"], ref.sources["grade"]))
        self.family = dict(zip(ref.sources["source_id"], ref.sources["family"]))
        self.published = {
            sid: _year(date) for sid, date in zip(ref.sources["source_id"], ref.sources["date_published"])
        }
        self.ranks = {(r.scope, r.grade, r.family): int(r.rank) for r in ref.precedence.itertuples()}

    def describe(self, scope: str, source_id: str) -> Note:
        """'official statistics' (+ the family where the precedence table ranks that family apart), as a note."""
        grade, family = self.grade.get(source_id, "?"), self.family.get(source_id, "")
        special = (scope, grade, family) in self.ranks
        return note(f"grade.{grade}" + (f".{family}" if special else ""))

    def rank(self, scope: str, source_id: str) -> int:
        grade, family = self.grade.get(source_id, ""), self.family.get(source_id, "")
        return self.ranks.get((scope, grade, family), self.ranks.get((scope, grade, ""), 99))


def choose_preferred(drafts: list[Draft], ref: Reference) -> dict[int, bool]:
    """Return {id(draft): preferred} and add the conflict flag where sources disagree."""
    ranker = Ranker(ref)
    overrides = {
        (r.country, int(r.period_start), int(r.period_end), r.indicator, r.breakdown, r.category, r.unit): r
        for r in ref.overrides.itertuples()
    }
    groups = defaultdict(list)
    for d in drafts:
        groups[d.key].append(d)
    preferred: dict[int, bool] = {}
    for key, rows in groups.items():
        if _disagree([r for r in rows if not (r.flags & NEVER_PREFERRED)]):
            for r in rows:
                r.flags.add("conflict")
        if key[4] != "total":
            continue  # chosen below, as a set
        scope = "population" if key[3] == "population" else "default"
        candidates = [r for r in rows if not (r.flags & NEVER_PREFERRED)]
        override = overrides.get(key)

        def order(d: Draft, *, override: Any = override, scope: str = scope) -> tuple:  # this group's, bound here
            forced = 0 if override is not None and d.source_id == override.preferred_source_id else 1
            rank = ranker.rank(scope, d.source_id)
            status = STATUS_RANK.get(d.status, 1)
            rounded = 1 if "rounded" in d.flags else 0
            newest = -ranker.published.get(d.source_id, 0)
            # population: the newest official vintage first (a later release revises the first estimate)
            first, second = (newest, status) if scope == "population" else (status, newest)
            return (forced, rank, first, second, rounded, d.source_id, d.raw_file, d.raw_row)

        best = min(candidates, key=order) if candidates else None
        for r in rows:
            preferred[id(r)] = r is best
        if best is not None and len(rows) > 1:
            others = len(rows) - 1
            if override is not None and best.source_id == override.preferred_source_id:
                best.notes.append(note("preferred_override", others=others, why=ref.notes.curated(override.why)))
            else:
                best.notes.append(
                    note("preferred_precedence", others=others, grade=ranker.describe(scope, best.source_id))
                )
    preferred.update(choose_breakdown_sets(drafts, preferred, ref, ranker, overrides))
    return preferred


def _set_key(d: Draft) -> tuple:
    return (d.country, d.period_start, d.period_end, d.indicator, d.unit, d.breakdown)


def choose_breakdown_sets(
    drafts: list[Draft], preferred: dict[int, bool], ref: Reference, ranker: Ranker, overrides: dict
) -> dict[int, bool]:
    """The preferred breakdown set per (country, period, indicator, unit, breakdown): one source's rows."""
    totals = {
        (d.country, d.period_start, d.period_end, d.indicator, d.unit): d
        for d in drafts
        if d.breakdown == "total" and preferred.get(id(d))
    }
    own_totals = {
        (d.country, d.period_start, d.period_end, d.indicator, d.unit, d.source_id): d
        for d in drafts
        if d.breakdown == "total" and not (d.flags & NEVER_PREFERRED)
    }
    sets: dict[tuple, dict[str, list[Draft]]] = defaultdict(lambda: defaultdict(list))
    for d in drafts:
        if d.breakdown != "total":
            sets[_set_key(d)][d.source_id].append(d)
    out: dict[int, bool] = {}
    for skey, by_source in sets.items():
        country, start, end, indicator, unit, breakdown = skey
        exclusive = ref.breakdown_kind(indicator, breakdown) == "exclusive"
        total = totals.get(skey[:5])
        eligible = []
        for source_id, rows in by_source.items():
            if not exclusive:
                for r in rows:
                    r.flags.add("overlapping_categories")
            usable = [r for r in rows if not (r.flags & NEVER_PREFERRED)]
            if not usable:
                continue
            limits = [t for t in (total, own_totals.get(skey[:5] + (source_id,))) if t is not None]
            if unit not in NO_SUM_UNITS and any(low(r) > high(t) for r in usable for t in limits):
                continue  # a category larger than the total (flagged by checks.flag_breakdowns)
            if exclusive and unit not in NO_SUM_UNITS:
                floor = sum(low(r) for r in usable)
                over = [t for t in limits if floor > high(t)]
                if over:
                    shown = "<5" if over[0].suppressed else _number_value(over[0].value)
                    for r in rows:
                        r.flags.add("breakdown_exceeds_total")
                        r.notes.append(
                            note(
                                "set_exceeds_total",
                                breakdown=breakdown,
                                floor=_number_value(floor),
                                total=shown,
                                source=over[0].source_id,
                            )
                        )
                    continue
            eligible.append((source_id, usable))
        forced = {r.preferred_source_id for k, r in overrides.items() if (k[0], k[1], k[2], k[3], k[6], k[4]) == skey}

        def order(
            item: tuple[str, list[Draft]], *, total: Draft | None = total, forced: set[str] = forced
        ) -> tuple:  # this set's, bound here
            source_id, rows = item
            same_as_total = 0 if total is not None and total.source_id == source_id else 1
            return (
                0 if source_id in forced else 1,
                ranker.rank("default", source_id),
                same_as_total,
                -len(rows),
                -ranker.published.get(source_id, 0),
                source_id,
            )

        best = min(eligible, key=order) if eligible else None
        chosen = {id(r) for r in best[1]} if best else set()
        for rows in by_source.values():
            for r in rows:
                out[id(r)] = id(r) in chosen
        if best is not None and len(by_source) > 1:
            for r in best[1]:
                r.notes.append(note("set_taken_whole", breakdown=breakdown, source=best[0], others=len(by_source) - 1))
    return out
