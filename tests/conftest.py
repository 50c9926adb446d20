"""Settings for every test run."""

import os

# Altair's check of each object against the schema as it is made (components/draw/altair_use.py): off when
# serving, on in the tests, so a spec this code makes wrong fails here. Set before anything imports draw.
os.environ.setdefault("THB_ALTAIR_DEBUG", "1")
