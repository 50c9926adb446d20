"""Languages: message catalogues, codebook labels, numbers and dates per language. Pure (no Streamlit).

- Interface texts are English source strings marked in the code: `_("Countries")` translates now (in the
  language of this run), `N_("Countries")` only marks a string for extraction (a label declared at import
  time, translated where it is shown: `_(field.label)`), `ngettext(singular, plural, n)` for plurals.
- The catalogues are `locale/<lang>/LC_MESSAGES/messages.po` (gettext, written and updated with Babel's
  `pybabel`, see README "Languages"). They are read with Babel when first needed and compiled in memory
  (`write_mo`): no build step, no binary files in git; one compiled catalogue per language and process.
- Each catalogue records its review status in its header comment (`# Review-Status: draft|reviewed`,
  `# Reviewed-By:`, `# Reviewed-On:`): Babel keeps header comments when it updates a catalogue (it drops
  unknown header fields), so the status survives `pybabel update`.
- Codebook labels (indicators, breakdowns, categories, units, flags, grades; codes stay codes) come from
  `data/i18n/codebook_labels.csv` (one row per label, one column per language); country names from CLDR
  (Babel's territory names), aggregates (EU27) from the same table.
- Numbers and dates: Babel/CLDR (`25.2` / `1,908,000` in English; `25,2` / `1 908 000` in et, lv, lt, ru).

The language of a run is held in a context variable (`use(lang)` at the start of each script run): each
Streamlit session runs its script in its own thread, so sessions never see each other's language. A thread
that never called `use()` (a fragment rerun) asks the resolver the app registers (`set_resolver`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING

from etl.paths import REPO_ROOT

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LOCALE_DIR = REPO_ROOT / "locale"
LABELS_CSV = REPO_ROOT / "data" / "i18n" / "codebook_labels.csv"
DOMAIN = "messages"

LANGS = ("en", "et", "lv", "lt", "ru")
DEFAULT = "en"
# each language in its own name: the picker reads the same in every language
ENDONYMS = {"en": "English", "et": "Eesti", "lv": "Latviešu", "lt": "Lietuvių", "ru": "Русский"}
PICKER_LABEL = " · ".join(ENDONYMS[lang] for lang in LANGS)

_current: ContextVar[Translator | None] = ContextVar("thb_translator", default=None)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translated where it is shown)."""
    return message


def from_link(text: object) -> str | None:
    """A link's `lang=` value: exactly one of LANGS (any case, spaces trimmed), else None."""
    if text is None:
        return None
    code = str(text).strip().lower()
    return code if code in LANGS else None


def normalise(lang: object) -> str | None:
    """'lv', 'LV', 'lv-LV', 'lv_LV' -> 'lv'; an unsupported or unreadable language -> None."""
    text = str(lang or "").strip().replace("_", "-").lower()
    base = text.split("-")[0]
    return base if base in LANGS else None


def from_locale(locale: object) -> str:
    """The language for a browser locale ('ru-RU', 'lt'), else English."""
    return normalise(locale) or DEFAULT


@dataclass(frozen=True)
class Review:
    status: str = "draft"  # draft | reviewed
    by: str = ""
    on: str = ""

    @property
    def reviewed(self) -> bool:
        return self.status == "reviewed"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(lang: str) -> Catalog | None:
    """The Babel catalogue of a language (None for English, the source language, without a file)."""
    from babel.messages.pofile import read_po

    path = po_path(lang)
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


_REVIEW_RE = {
    k: re.compile(rf"^[#\s]*{k}:[ \t]*(.*?)[ \t]*$", re.M | re.I)
    for k in ("Review-Status", "Reviewed-By", "Reviewed-On")
}


def review_of(header_comment: str) -> Review:
    def get(k: str) -> str:
        m = _REVIEW_RE[k].search(header_comment or "")
        return m.group(1).strip() if m else ""

    status = get("Review-Status").lower()
    return Review(status if status in ("draft", "reviewed") else "draft", get("Reviewed-By"), get("Reviewed-On"))


@cache
def _labels() -> dict[tuple[str, str, str], dict[str, str]]:
    """(kind, code, field) -> {lang: label} from data/i18n/codebook_labels.csv."""
    if not LABELS_CSV.exists():
        return {}
    with LABELS_CSV.open(encoding="utf-8", newline="") as fh:
        return {
            (r["kind"], r["code"], r["field"]): {k: v for k, v in r.items() if k in LANGS and v}
            for r in csv.DictReader(fh)
        }


# a data text with no translation: the original, said to be so in the reader's language
UNTRANSLATED = N_("{text} (in English: not yet translated)")


@cache
def _ids_by_english() -> dict[tuple[str, str, str], str]:
    """(kind, field, English text) -> the text's id, for data texts that come without one (licences)."""
    return {(k, f, row["en"]): code for (k, code, f), row in _labels().items() if row.get("en")}


@dataclass
class Translator:
    """One language: messages, plurals, codebook labels, numbers and dates."""

    lang: str
    review: Review = field(default_factory=Review)
    _t: NullTranslations = field(default_factory=NullTranslations, repr=False)

    # ---------------------------------------------------------------- messages
    def gettext(self, message: str) -> str:
        return self._t.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def plural_index(self, n: int) -> int:
        """Which plural form `n` takes in this language (the catalogue's Plural-Forms; English: 0 for 1)."""
        rule = getattr(self._t, "plural", None)
        return int(rule(n)) if rule is not None else (0 if n == 1 else 1)

    # ---------------------------------------------------------------- codebook labels
    def label(self, kind: str, code: str, english: str, fld: str = "label") -> str:
        """A codebook label in this language: `english` (the codebook's own label) when none is translated,
        or when the table's English no longer matches the codebook (a changed label is not mistranslated)."""
        if self.lang == DEFAULT:
            return english
        row = _labels().get((kind, str(code), fld))
        if not row or row.get("en") != english:
            return english
        return row.get(self.lang) or english

    def data_text(self, kind: str, code: str, english: str, fld: str = "text") -> str:
        """A data text (a licence's terms, a precedence rule's reason) by its stable id `code` in
        `data/i18n/codebook_labels.csv`, while the row's English still equals the data's. With no translation:
        the original, marked as such in the reader's language."""
        if self.lang == DEFAULT or not english:
            return english
        row = _labels().get((kind, str(code), fld))
        if row and row.get("en") == english and row.get(self.lang):
            return row[self.lang]
        return self.gettext(UNTRANSLATED).format(text=english)

    def licence(self, english: str) -> str:
        """A source's licence terms (sources.csv `licence`, which has no id column: the row whose English is the
        text gives the id) in this language."""
        code = _ids_by_english().get(("licence", "text", english), "")
        return self.data_text("licence", code, english)

    def country(self, code: str, english: str) -> str:
        """A country's name: CLDR's territory name for an ISO code, the table for aggregates (EU27)."""
        if self.lang == DEFAULT:
            return english
        row = _labels().get(("country", str(code), "label"))
        if row and row.get("en") == english and row.get(self.lang):
            return row[self.lang]
        code = str(code)
        if re.fullmatch(r"[A-Z]{2}", code):
            name = _territories(self.lang).get(code)
            if name:
                return name
        return english

    # ---------------------------------------------------------------- numbers and dates
    def number(self, value: float | Decimal, decimals: int | None = None) -> str:
        """CLDR decimal: grouping and decimal sign of the language ('25,2', '1 908 000')."""
        from babel.numbers import format_decimal

        if decimals is None:
            return format_decimal(value, locale=self.lang)
        fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return format_decimal(value, format=fmt, locale=self.lang, decimal_quantization=True)

    def percent(self, value: float, decimals: int = 0) -> str:
        from babel.numbers import format_percent

        fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + " %"
        return format_percent(value, format=fmt, locale=self.lang)

    def date(self, value: date | datetime | str, fmt: str = "long") -> str:
        """A date in words ('30 November 2026', '2026. gada 30. novembris'); text that is no ISO date stays."""
        from babel.dates import format_date

        if isinstance(value, str):
            try:
                return format_date(date.fromisoformat(value[:10]), format=fmt, locale=self.lang)
            except ValueError:
                return value
        return format_date(value, format=fmt, locale=self.lang)


@cache
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(lang).territories)


@cache
def translator(lang: str) -> Translator:
    """The translator of a supported language (compiled once per process); English for anything else."""
    lang = normalise(lang) or DEFAULT
    if lang == DEFAULT:
        return Translator(DEFAULT, Review("reviewed", "source language", ""))
    from babel.messages.mofile import write_mo

    catalog = read_catalog(lang)
    if catalog is None:
        return Translator(lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translator(lang, review_of(catalog.header_comment), GNUTranslations(buf))


def use(lang: str | None) -> Translator:
    """Make `lang` the language of this run (this thread's context); returns its translator."""
    t = translator(lang or DEFAULT)
    _current.set(t)
    return t


@contextmanager
def using(lang: str | None) -> Iterator[Translator]:
    """`lang` for the code inside the block, then the language before it (a builder called by the API, the
    warm start or an export for a view in another language than the run's)."""
    t = translator(lang or DEFAULT)
    token = _current.set(t)
    try:
        yield t
    finally:
        _current.reset(token)


_resolver: Callable[[], str | None] | None = None


def set_resolver(fn: Callable[[], str | None] | None) -> None:
    """Where a thread that never called `use()` finds its language (the app: the session's choice, for a
    fragment rerun in a new script thread). Without one, or when it has none: English."""
    global _resolver
    _resolver = fn


def current() -> Translator:
    t = _current.get()
    if t is None and _resolver is not None:
        try:
            lang = _resolver()
        except Exception:
            lang = None
        if lang:
            t = use(lang)
    return t or translator(DEFAULT)


def lang() -> str:
    return current().lang


def _(message: str) -> str:
    """Translate now, in the language of this run."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return current().ngettext(singular, plural, n)


def reviews() -> dict[str, Review]:
    """Every language's review status (English, the source, counts as reviewed)."""
    return {lang: translator(lang).review for lang in LANGS}


def review_summary() -> str:
    """The Methodology page's note on the languages (Markdown, in the run's language): which are reviewed."""
    lines = [
        _(
            "The interface can be shown in English, Estonian, Latvian, Lithuanian and Russian (the box at the top "
            "of the sidebar; the language is part of the link). Translations are drafts until a native speaker "
            "has reviewed them. Charts, tables and downloads are in the chosen language too; the sources' own "
            "titles and names stay as their publishers wrote them."
        ),
        "",
    ]
    for code, review in reviews().items():
        if code == DEFAULT:
            status = _("the language the texts are written in")
        elif review.reviewed:
            status = _("reviewed by {name} on {date}").format(
                name=_plain(review.by or "?"), date=_plain(review.on or "?")
            )
        else:
            status = _("draft translation, not yet reviewed by a native speaker")
        lines.append(f"- **{ENDONYMS[code]}** ({code}): {status}")
    return "\n".join(lines)


def _plain(text: str) -> str:
    """A name from a catalogue's header as plain text in Markdown (no markup, no links)."""
    return re.sub(r"([\\`*_{}\[\]()#+!<>|~])", r"\\\1", str(text))[:80]
