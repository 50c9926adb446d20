"""The countries of the dashboard, defined once for the build and the app (the app imports them from here: the
build never imports the app). data/codebook/countries.csv names them; a test keeps the two in step."""

from __future__ import annotations

BALTIC = ("EE", "LV", "LT")  # Estonia, Latvia, Lithuania: the states the dashboard is about, in the order shown
EU_AGGREGATES = ("EU27", "EU28")  # the European Union's totals, drawn for context
COUNTRY_ORDER = BALTIC + EU_AGGREGATES  # the order of every list, legend and table
