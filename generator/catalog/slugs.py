"""The slug rule: an entry's slug is its file name, so slugs belong to the catalog."""

from __future__ import annotations

import re
import unicodedata

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def slugify(text: str) -> str:
    """A kebab-case slug: ASCII letters and digits joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"
