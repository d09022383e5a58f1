"""Slot arithmetic on plain values (no database access), used by ``painpath.clinic.services``.

Local wall-clock periods (weekly hours and dated exceptions, in the clinic's time zone) are turned
into UTC instants one calendar day at a time with ``datetime.combine(day, t, tzinfo=zone)``, so a
9:00 start is 9:00 local on both sides of a daylight-saving change (its UTC offset differs).
Within a period, start times are spaced by the clinic's step in *elapsed* time from the period's
start; a visit must end by the end of the period (its buffer may run past closing time).

Busy time of an existing visit is ``[start, busy_until)`` (``busy_until`` = end + buffer). A
candidate ``[s, s + duration + buffer)`` is free when it overlaps no busy range, which is the very
rule the PostgreSQL exclusion constraint enforces.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60

# A local period as minutes since local midnight, [start, end).
Period = tuple[int, int]


@dataclass(frozen=True, slots=True)
class DayRules:
    """The rules for one therapist: weekly periods by weekday (0 = Monday) and dated exceptions.

    ``off_days``: dates entirely off. ``off_periods``/``extra_periods``: date -> local periods.
    """

    weekly: dict[int, list[Period]]
    off_days: frozenset[date]
    off_periods: dict[date, list[Period]]
    extra_periods: dict[date, list[Period]]


def minutes_of(t: time) -> int:
    """Minutes since midnight of a wall-clock time (seconds are ignored)."""
    return t.hour * 60 + t.minute


def _merge(periods: Iterable[Period]) -> list[Period]:
    merged: list[Period] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(periods: list[Period], holes: Iterable[Period]) -> list[Period]:
    result = periods
    for h_start, h_end in holes:
        cut: list[Period] = []
        for start, end in result:
            if h_end <= start or h_start >= end:
                cut.append((start, end))
                continue
            if start < h_start:
                cut.append((start, h_start))
            if h_end < end:
                cut.append((h_end, end))
        result = cut
    return result


def local_periods(day: date, rules: DayRules) -> list[Period]:
    """The working periods of ``day`` (local minutes, merged, sorted) after exceptions.

    A whole day off removes the weekly hours but not extra hours dated that same day (a
    therapist can be "off" except for an extra clinic); a timed "off" window removes time
    from both.
    """
    periods: list[Period] = (
        [] if day in rules.off_days else list(rules.weekly.get(day.weekday(), []))
    )
    periods = _merge([*periods, *rules.extra_periods.get(day, [])])
    return _subtract(periods, rules.off_periods.get(day, []))


def to_utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of local wall-clock ``minute`` (since midnight) on ``day`` in ``zone``.

    A wall time that does not exist (inside a spring-forward gap) is read with the offset in
    force before the change, as zoneinfo does for ``fold=0``; an ambiguous one (fall-back) is
    its first occurrence.
    """
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


class BusyIndex:
    """Busy ranges ``[start, until)`` of one therapist, for fast overlap tests (bisect)."""

    def __init__(self, ranges: Iterable[tuple[datetime, datetime]]) -> None:
        ordered = sorted(ranges)
        self._starts = [start for start, _ in ordered]
        # Running maximum of the ends: correct even if stored ranges overlap each other.
        self._max_until: list[datetime] = []
        for _, until in ordered:
            self._max_until.append(
                until if not self._max_until else max(until, self._max_until[-1])
            )

    def overlaps(self, start: datetime, until: datetime) -> bool:
        """True when ``[start, until)`` overlaps any stored range."""
        idx = bisect.bisect_left(self._starts, until)
        return idx > 0 and self._max_until[idx - 1] > start


def candidate_starts(
    days: Sequence[date],
    rules: DayRules,
    zone: ZoneInfo,
    *,
    duration: timedelta,
    buffer: timedelta,
    step: timedelta,
    earliest: datetime,
    latest: datetime,
    busy: BusyIndex | None = None,
) -> Iterator[datetime]:
    """Yield UTC start instants of free slots on ``days`` (ascending).

    ``earliest``/``latest`` bound the start (minimum notice and booking horizon, inclusive).
    ``busy=None`` ignores existing appointments (used to tell "outside working hours" from
    "taken").
    """
    for day in days:
        for p_start, p_end in local_periods(day, rules):
            period_start = to_utc(day, p_start, zone)
            period_end = to_utc(day, p_end, zone)
            start = period_start
            while start + duration <= period_end:
                if start > latest:
                    return
                if start >= earliest and (
                    busy is None or not busy.overlaps(start, start + duration + buffer)
                ):
                    yield start
                start += step
