"""The last resort: dates written on the page itself, found by htmldate.

htmldate was built for articles; on a forum index it picks the newest date it can see, which
is what we want, but it is the weakest evidence and is only used when nothing else answered.
"""

from __future__ import annotations

import datetime as dt
import logging

from htmldate import find_date

from generator.checking.memory import PARSING
from generator.checking.pages import PageFacts, parse_html

logging.getLogger("htmldate").addHandler(logging.NullHandler())
logging.getLogger("htmldate").propagate = False


def page_date(page: PageFacts, today: dt.date) -> dt.date | None:
    with PARSING:
        return _read_date(page, today)


def _read_date(page: PageFacts, today: dt.date) -> dt.date | None:
    tree = parse_html(page.body, page.content_type) if page.body else None
    if tree is None:
        return None
    found = find_date(
        tree,
        original_date=False,
        extensive_search=False,  # the text-only search mostly finds copyright years on forums
        outputformat="%Y-%m-%d",
        max_date=today.isoformat(),
    )
    if not found:
        return None
    try:
        return dt.date.fromisoformat(found)
    except ValueError:
        return None
