"""Property tests of the slot arithmetic (pure functions, no database): every offered slot lies
inside working time, clear of every busy range, within notice and horizon, and no valid slot
is missed. Dates straddle the spring-forward change in New York."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.clinic.availability import BusyIndex, DayRules, candidate_starts, local_periods

from .conftest import NEW_YORK

DAYS = [date(2026, 3, 5) + timedelta(days=i) for i in range(6)]  # Thu 5 .. Tue 10 March
STEP = timedelta(minutes=30)

_period = (
    st.tuples(st.integers(0, 46), st.integers(1, 16))
    .map(lambda t: (t[0] * 30, min(t[0] * 30 + t[1] * 30, 24 * 60 - 30)))
    .filter(lambda p: p[0] < p[1])
)

rules_strategy = st.builds(
    DayRules,
    weekly=st.dictionaries(st.integers(0, 6), st.lists(_period, max_size=2), max_size=7),
    off_days=st.frozensets(st.sampled_from(DAYS), max_size=2),
    off_periods=st.dictionaries(st.sampled_from(DAYS), st.lists(_period, max_size=2), max_size=2),
    extra_periods=st.dictionaries(st.sampled_from(DAYS), st.lists(_period, max_size=2), max_size=2),
)
_base = datetime(2026, 3, 5, 5, tzinfo=UTC)
busy_strategy = st.lists(
    st.tuples(st.integers(0, 6 * 24 * 4), st.integers(1, 12)).map(
        lambda t: (
            _base + timedelta(minutes=15 * t[0]),
            _base + timedelta(minutes=15 * (t[0] + t[1])),
        )
    ),
    max_size=10,
)


def _in_working_time(start: datetime, end: datetime, rules: DayRules) -> bool:
    day = start.astimezone(NEW_YORK).date()
    if day not in DAYS:
        # Only DAYS are asked for. The candidate instants run 6 x 24 h from local midnight of
        # March 5, which after the spring-forward change ends at 00:45 on March 11, local time.
        return False
    for p_start, p_end in local_periods(day, rules):
        lo = datetime.combine(day, time(p_start // 60, p_start % 60), tzinfo=NEW_YORK)
        hi = datetime.combine(day, time(p_end // 60, p_end % 60), tzinfo=NEW_YORK)
        if lo <= start and end <= hi and (start - lo) % STEP == timedelta(0):
            return True
    return False


@settings(max_examples=100, deadline=None)
@given(
    rules=rules_strategy,
    busy=busy_strategy,
    minutes=st.sampled_from([30, 45, 60]),
    buffer=st.sampled_from([0, 10, 15]),
    notice_hours=st.integers(0, 30),
    horizon_hours=st.integers(24, 24 * 7),
)
def test_offered_slots_are_exactly_the_valid_ones(
    rules: DayRules,
    busy: list[tuple[datetime, datetime]],
    minutes: int,
    buffer: int,
    notice_hours: int,
    horizon_hours: int,
) -> None:
    duration, pause = timedelta(minutes=minutes), timedelta(minutes=buffer)
    now = datetime(2026, 3, 5, 4, tzinfo=UTC)
    earliest, latest = now + timedelta(hours=notice_hours), now + timedelta(hours=horizon_hours)
    offered = list(
        candidate_starts(
            DAYS,
            rules,
            NEW_YORK,
            duration=duration,
            buffer=pause,
            step=STEP,
            earliest=earliest,
            latest=latest,
            busy=BusyIndex(busy),
        )
    )

    def valid(start: datetime) -> bool:
        return (
            earliest <= start <= latest
            and _in_working_time(start, start + duration, rules)
            and not any(b0 < start + duration + pause and start < b1 for b0, b1 in busy)
        )

    assert all(valid(s) for s in offered)
    # Completeness: every valid half-hour instant in the window is offered (exactly once).
    candidates = [_base + timedelta(minutes=15 * i) for i in range(6 * 24 * 4)]
    assert sorted(s for s in candidates if valid(s)) == sorted(set(offered)) == sorted(offered)
