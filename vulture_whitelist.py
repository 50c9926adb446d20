"""Names that look unused to vulture but are used from outside Python's sight (`make dead`).

Read by vulture only, never imported or run. Everything else it finds at 60 % confidence is a dead name: remove
it (or, if the app needs it, use it); a name only the tests use goes too, and the test uses what the app uses.
"""

# Attributes set on another library's objects, read by that library
_.page_name  # protobuf: BackMsg.rerun_script (bench/load.py, components/serve/warmup.py)
_.slide_width  # python-pptx: the presentation's size
_.slide_height
_.word_wrap  # python-pptx: a text frame's settings
_.auto_size
_.margin_left
_.margin_right
_.margin_top
_.margin_bottom
_.bold  # python-pptx: a run's font
_.flavor  # fontTools: the subsetter's options (the fonts embedded in SVG exports)
_.layout_features
_.name_IDs
_.http  # uvicorn: Config, the guarded HTTP protocol (components/serve/connections.py)
_.http_protocol_class
_.data_type  # openpyxl: a cell kept as text (components/uploads/read.py)
_.quotePrefix
_._use_warning_has_been_displayed  # streamlit: its once-per-process REPL check, skipped (components/serve/warmup.py)

# Called by name from a configuration file
extract_messages  # babel.cfg: the decks' extractor (components/decks/deck.py)

# A field of the view read by its name (view["filter_indicator"], the pages' registry, the URL codec)
filter_indicator

# The location vocabulary's ids, read by the tests (every id has a row in data/i18n/locations.csv)
TEMPLATE_IDS
