"""Choose the one preferred value per figure by a documented rule; keep every other value visible.

Rule (data/mapping/precedence.csv): an explicit override for the figure, else the best source
quality (population has its own order), then refined over preliminary, then the most recently
published, then the source id. Rows flagged as a probable source error, or repeated within one
source, or larger than their own total, or of low confidence, are never preferred.
"""
from __future__ import annotations

from collections import defaultdict

from etl.mapping import Draft
from etl.reference import Reference

# A low-confidence figure (incomplete text, uncertain date) stays visible in the table but is never the
# headline value: missing is better than wrong.
NEVER_PREFERRED = {"probable_source_error", "repeated_key_in_source", "duplicate_transcription", "low_confidence"}
STATUS_RANK = {"refined": 0, "": 1, "preliminary": 2}


def _year(text: str) -> int:
    digits = "".join(ch for ch in text[:4] if ch.isdigit())
    return int(digits) if len(digits) == 4 else 0


def _disagree(rows: list[Draft]) -> bool:
    """True when two values cannot both be right: different numbers, or a number outside a suppressed range."""
    exact = {r.value for r in rows if not r.suppressed}
    if len(exact) > 1:
        return True
    ranges = [(r.value_low, r.value_high) for r in rows if r.suppressed]
    return any(not (low <= value <= high) for value in exact for low, high in ranges)


def choose_preferred(drafts: list[Draft], ref: Reference) -> dict[int, bool]:
    """Return {id(draft): preferred} and add the conflict flag where sources disagree."""
    quality = dict(zip(ref.sources["source_id"], ref.sources["quality"]))
    published = {sid: _year(date) for sid, date in zip(ref.sources["source_id"], ref.sources["date_published"])}
    ranks = {(r.scope, r.quality): int(r.rank) for r in ref.precedence.itertuples()}
    overrides = {
        (r.country, int(r.period_start), int(r.period_end), r.indicator, r.breakdown, r.category, r.unit): r
        for r in ref.overrides.itertuples()
    }
    groups = defaultdict(list)
    for d in drafts:
        groups[d.key].append(d)
    preferred = {}
    for key, rows in groups.items():
        scope = "population" if key[3] == "population" else "default"
        candidates = [r for r in rows if not (r.flags & NEVER_PREFERRED)
                      and not ("breakdown_exceeds_total" in r.flags and r.notes and any(n.startswith("Larger than") for n in r.notes))]
        override = overrides.get(key)

        def order(d: Draft):
            forced = 0 if override is not None and d.source_id == override.preferred_source_id else 1
            rank = ranks.get((scope, quality.get(d.source_id, "")), 99)
            status = STATUS_RANK.get(d.status, 1)
            # Population: the refined vintage first, whoever printed it; elsewhere the better source first.
            first, second = (status, rank) if scope == "population" else (rank, status)
            return (forced, first, second, -published.get(d.source_id, 0), d.source_id, d.raw_file, d.raw_row)

        best = min(candidates, key=order) if candidates else None
        for r in rows:
            preferred[id(r)] = r is best
        if _disagree([r for r in rows if not (r.flags & NEVER_PREFERRED)]):
            for r in rows:
                r.flags.add("conflict")
        if best is not None and len(rows) > 1:
            others = len(rows) - 1
            why = f"override: {override.why}" if override is not None and best.source_id == override.preferred_source_id else \
                f"precedence: {quality.get(best.source_id, '?').replace('_', ' ')} source"
            best.notes.append(f"Preferred over {others} other source value(s) by {why}.")
    return preferred
