"""The link's vocabulary: each view field's URL parameter, the fields of each page, the limits a link's
values must keep. Data only, so the deck rules (deck.py), the fields (fields.py) and the server's API
read the same table."""

from __future__ import annotations

import re

from components.core import pages as registry
from components.core.i18n import DEFAULT as DEFAULT_LANG

PAGES = registry.PAGE_IDS
PAGE_FIELDS: dict[str, tuple[str, ...]] = {p.id: p.fields for p in registry.PAGES}

# field name -> its short URL spelling (a link from before keeps working: these never change)
PARAM: dict[str, str] = {
    "countries": "c",
    "country": "one",
    "indicator": "ind",
    "period": "per",
    "breakdown": "bd",
    "measure": "m",
    "stack": "stack",
    "years": "yr",
    "index_base": "base",
    "chart": "view",  # Trends: which chart (one indicator, the justice chain, forms of exploitation)
    "filter_indicator": "fi",
    "source": "src",
    "preferred_only": "pref",
    "grade": "gr",
    "search": "q",
    "figure": "fig",
    "sel": "sel",
    "flows": "flows",
    "zoom": "zoom",
    "unconfirmed": "unc",
    "deck": "deck",
    "mydeck": "mydeck",
    "slide": "slide",
}
# The language is a link parameter but not part of a view: the text layer reads it (components/ui/language.py)
LANG_PARAM = "lang"
# parameters a view's link may carry that are not the view's: the language, Streamlit's own (v, embed...)
IGNORED_PARAMS = frozenset({LANG_PARAM, "v", "embed", "embed_options"})


def link_query(query: dict[str, str], lang: str) -> dict[str, str]:
    """A view's query as a link of this app writes it: with `lang=` unless `lang` is the default language (a
    link opens in the language it was copied in). The app's links and the embed URLs alike."""
    return {**query, LANG_PARAM: lang} if lang != DEFAULT_LANG else dict(query)


MAX_SEARCH = 80  # characters of the Data page's search text
MAX_VALUE = 500  # characters of one parameter read at all
MAX_SLIDES = 99
MAX_DECK_LINK = 6000  # characters of an own deck in a link (mydeck=; deck.encode); nginx reads 8 KB request lines
DECK_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
DEFAULT_DECK = "baltic-overview"
