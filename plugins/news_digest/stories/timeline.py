"""A story over time: where and when it appeared, whether it is still developing, and a
small inline SVG chart of its appearances per day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from operator import attrgetter

from .match import Appearance

# "Developing": seen on at least this many of the last days ...
DEVELOPING_MIN_DAYS = 3
# ... counted back from the site's newest day, this many days including it.
DEVELOPING_WINDOW_DAYS = 7
# The sparkline's size in CSS pixels, and the longest run of days it draws.
SPARK_WIDTH = 120
SPARK_HEIGHT = 24
SPARK_MAX_DAYS = 60


@lru_cache(maxsize=1 << 16)
def day_of(date: str) -> dt.date:
    """The calendar day of an ISO 8601 date or datetime, as the dump wrote it."""
    return dt.date.fromisoformat(date[:10])


@dataclass(frozen=True, slots=True)
class Timeline:
    story: str
    appearances: tuple[Appearance, ...]  # oldest first, ties by path
    first_seen: dt.date
    last_seen: dt.date
    digests: int  # distinct dumps that carried it
    days: int  # distinct days on which it was seen
    #: Every day of the last SPARK_MAX_DAYS up to the last seen (from the first seen, when
    #: that is later), with 0s: what the sparkline draws. (A story seen now and then over
    #: years would otherwise hold a day for every day of them.)
    per_day: tuple[tuple[dt.date, int], ...]

    def developing(self, today: dt.date) -> bool:
        """Seen on at least 3 of the 7 days ending ``today``."""
        start = today - dt.timedelta(days=DEVELOPING_WINDOW_DAYS - 1)
        recent = {day for a in self.appearances if start <= (day := day_of(a.date)) <= today}
        return len(recent) >= DEVELOPING_MIN_DAYS

    @property
    def drawn_first(self) -> dt.date:
        """The first day the sparkline draws."""
        return self.per_day[0][0]

    @property
    def drawn_last(self) -> dt.date:
        """The last day the sparkline draws: the last seen."""
        return self.per_day[-1][0]

    @property
    def drawn_total(self) -> int:
        """The appearances the sparkline draws."""
        return sum(n for _, n in self.per_day)

    def seen_line(self) -> str:
        """ "seen on 4 days since 2023-05-10" (plain text, escape it where it goes)."""
        unit = "day" if self.days == 1 else "days"
        return f"seen on {self.days} {unit} since {self.first_seen.isoformat()}"


_ORDER = attrgetter("date", "path", "title")


def timeline(story: str, appearances: list[Appearance]) -> Timeline:
    """One story's timeline from its appearances (any order)."""
    if not appearances:
        raise ValueError(f"story {story!r} has no appearances")
    apps = tuple(sorted(appearances, key=_ORDER))
    counts = Counter(day_of(a.date) for a in apps)
    first, last = min(counts), max(counts)
    start = max(first.toordinal(), last.toordinal() - SPARK_MAX_DAYS + 1)
    days = map(dt.date.fromordinal, range(start, last.toordinal() + 1))
    per_day = tuple((day, counts.get(day, 0)) for day in days)
    return Timeline(
        story=story,
        appearances=apps,
        first_seen=first,
        last_seen=last,
        digests=len({a.path for a in apps}),
        days=len(counts),
        per_day=per_day,
    )


def developing_stories(timelines: list[Timeline], today: dt.date) -> list[Timeline]:
    """The stories seen on at least 3 of the last 7 days, most days first, then newest."""
    found = [t for t in timelines if t.developing(today)]
    found.sort(key=lambda t: (-t.days, -t.last_seen.toordinal(), t.story))
    return found


def sparkline_svg(t: Timeline, alt: str) -> str:
    """An inline SVG bar chart of ``t``'s appearances per day (the last 60 days of it: one
    slot a day, a bar on each day it was seen), with ``alt`` as its ``<title>``, its
    ``aria-label`` and its text alternative; every text escaped. ``alt`` is the caller's,
    in the site's language (the templates say what the chart shows: ``drawn_total`` from
    ``drawn_first`` to ``drawn_last``)."""
    days = t.per_day[-SPARK_MAX_DAYS:]
    top = max(n for _, n in days) or 1
    width = SPARK_WIDTH / len(days)
    bars = []
    for i, (day, n) in enumerate(days):
        if n == 0:  # a day without an appearance is a gap: no bar of height 0 to hover
            continue
        h = max(1.0, SPARK_HEIGHT * n / top)
        bars.append(
            f'<rect x="{i * width:.2f}" y="{SPARK_HEIGHT - h:.2f}" width="{max(width - 1, 1):.2f}"'
            f' height="{h:.2f}"><title>{escape(day.isoformat())}: {n}</title></rect>'
        )
    return (
        f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" role="img"'
        f' width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}"'
        f' viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" aria-label="{escape(alt)}">'
        f"<title>{escape(alt)}</title>{''.join(bars)}</svg>"
        f'<span class="visually-hidden">{escape(alt)}</span>'
    )
