"""What a check learns about a community beyond its link and activity: the optional fields of
the report (DESIGN.md), gathered into the record's `Learned`.

* the platform, recognised from the site itself (detection.py), or from the entry's address
  when the page could not be read;
* the access: `gated` when the visit met a sign-in wall, `public` when the page was read
  without signing in and so was content behind it (a feed's posts, a forum's topic list);
* the posts and active users of the last 30 days, where the platform counts them (volume.py);
* an archived copy found on an earlier night (archive.py asks again now and then, after the
  run).
"""

from __future__ import annotations

import functools
from dataclasses import replace

from generator.checking.activity import ActivityResult
from generator.checking.archive import carried_over
from generator.checking.detection import Detection, detect_from_address
from generator.checking.links import LinkResult
from generator.checking.platforms import api_base
from generator.checking.probing import ProbeContext
from generator.checking.volume import Volume, discourse_volume
from generator.state import CheckRecord, Learned

READ_OUTCOMES = frozenset({"ok", "redirected", "moved"})
# Sources that are content members wrote, not just dates stamped on pages.
CONTENT_SOURCES = frozenset({"feed", "discourse", "khoros", "vanilla"})


def learn(
    previous: CheckRecord | None,
    url: str,
    link_status: str,
    link: LinkResult,
    activity: ActivityResult,
    volume: Volume | None = None,
) -> Learned:
    """This visit's findings. When the visit could not read the site (down, a bot wall, a
    rate limit, a runner without network), what an earlier visit saw at the same address is
    kept: an outage does not change the software a community runs on."""
    archived = carried_over(previous, url, link_status)
    if link.outcome not in READ_OUTCOMES | {"gated"} and previous and previous.url == url:
        seen = previous.learned
    else:
        seen = Learned(detected_access=access_of(link, activity))
        if volume is not None:
            seen = replace(seen, posts_30_days=volume.posts_30_days,
                           active_users_30_days=volume.active_users_30_days)  # fmt: skip
    detection = platform_of(url, link)
    if detection is not None:
        seen = replace(seen, detected_platform=detection.platform,
                       platform_evidence=detection.evidence)  # fmt: skip
    return replace(
        seen,
        archive_url=archived.archive_url,
        archive_date=archived.archive_date,
        archive_checked=archived.archive_checked,
    )


def platform_of(url: str, link: LinkResult) -> Detection | None:
    return link.detection or detect_from_address(link.final_url) or detect_from_address(url)


def access_of(link: LinkResult, activity: ActivityResult) -> str | None:
    if link.outcome == "gated":
        return "gated"
    content = activity.last_activity is not None and activity.source in CONTENT_SOURCES
    if link.outcome in READ_OUTCOMES and not link.page.sign_in and content:
        return "public"
    return None


def volume_of(
    context: ProbeContext, url: str, link: LinkResult, platform_api: str | None
) -> Volume | None:
    """Counts from the forum's public API, when the entry is a Discourse forum."""
    detection = platform_of(url, link)
    discourse = "discourse" in (platform_api, detection.platform if detection else None)
    if not discourse or link.outcome not in READ_OUTCOMES | {"gated"}:
        return None
    gated = link.outcome == "gated"
    base = api_base(url if gated else link.final_url)
    found: Volume | None = context.volumes.get(
        f"{base} {gated}", functools.partial(discourse_volume, context, base, gated)
    )
    return found
