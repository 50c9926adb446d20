"""Where a document was read, by host: a publisher's own site, an archive of record, or a host whose copies
are provenance only (code hosting, document sharing, news and aggregators).

`data/codebook/hosts.csv` lists hosts by domain suffix ("stat.ee" covers "www.stat.ee" and "uus.stat.ee").
Two rules rest on it (etl/reference.check_sources):
- an official-grade source's `url` is on a `publisher` or `archive_of_record` host (a news site, an aggregator,
  a document-sharing site or a code host never carries an official grade);
- no citation line (publisher, title, citation) names a code host or a document-sharing site: how the project
  obtained a copy is provenance (`copy_url`, `copy_kind`, `copy_note`), shown on /check and Methodology.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pandas as pd

CITABLE_KINDS = ("publisher", "archive_of_record")
NEVER_CITED_KINDS = ("code_hosting", "document_sharing")
KINDS = CITABLE_KINDS + NEVER_CITED_KINDS + ("news", "aggregator")
# how a copy was obtained (sources.csv `copy_kind`)
COPY_KINDS = {
    "data_copy": "an unmodified data download kept by a third party (the grade stays when its values are checked)",
    "reprint": "a document's text republished by a third party (graded below the original)",
    "platform": "the publisher's own upload to a document-sharing platform",
    "snapshot": "a dated snapshot the project stored from the publisher's own API (file and checksum)",
}
# words that name a copy's host in a citation line, beside the host names themselves
_COPY_WORDS = re.compile(
    r"(?i)\b(github|gitlab|bitbucket|repository|commit [0-9a-f]{7,}|copy stored|hosted on|via issuu)\b"
)


def host_of(url: str) -> str:
    """'https://www.stat.ee/en/x' -> 'www.stat.ee' ('' when there is no host); a trailing dot dropped."""
    try:
        host = urlparse(str(url or "").strip()).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


class Hosts:
    def __init__(self, table: pd.DataFrame):
        self.kinds = {str(h).lower(): str(k) for h, k in zip(table["host"], table["kind"])}

    def kind(self, host: str) -> str:
        """The kind of the longest listed suffix of `host` ('' when none is listed)."""
        parts = host.lower().rstrip(".").split(".")
        for i in range(len(parts)):
            hit = self.kinds.get(".".join(parts[i:]))
            if hit:
                return hit
        return ""

    def kind_of_url(self, url: str) -> str:
        return self.kind(host_of(url))

    def named_in(self, text: str) -> list[str]:
        """Code hosts and document-sharing sites (or words for a stored copy) that a citation line names."""
        text = str(text or "")
        found = [
            h
            for h, k in self.kinds.items()
            if k in NEVER_CITED_KINDS and re.search(rf"(?i)(?<![\w.-]){re.escape(h)}\b", text)
        ]
        found += [m.group(0) for m in _COPY_WORDS.finditer(text)]
        for url in re.findall(r"https?://\S+", text):
            if self.kind_of_url(url) in NEVER_CITED_KINDS:
                found.append(host_of(url))
        return sorted(set(found))
