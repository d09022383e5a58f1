"""Free slots: weekly hours, exceptions, buffers, notice, horizon and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.clinic.availability import BusyIndex
from painpath.clinic.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    AvailabilityException,
    Clinic,
    ExceptionKind,
    Patient,
    Therapist,
    WorkingHours,
)
from painpath.clinic.services import (
    BookingValidationError,
    find_free_slots,
    first_available_slots,
)

from .conftest import MONDAY_7AM, NEW_YORK, local

TUESDAY = date(2026, 3, 3)


def _times(slots: list) -> list[str]:
    return [s.local_start.strftime("%H:%M") for s in slots]


def _book(therapist: Therapist, kind: AppointmentType, start: datetime, **extra: object) -> None:
    patient = Patient.objects.create(
        clinic=therapist.clinic, name="P", email="p@example.com", phone="5550100"
    )
    Appointment.objects.create(
        patient=patient,
        therapist=therapist,
        appointment_type=kind,
        start=start,
        end=start + kind.duration,
        busy_until=start + kind.duration + kind.buffer,
        **extra,
    )


def test_slots_fill_the_working_hours_every_half_hour(
    therapist: Therapist, initial: AppointmentType
) -> None:
    slots = find_free_slots(initial, TUESDAY, TUESDAY, now=MONDAY_7AM)
    # 09:00-17:00 with a 60-minute visit: starts 09:00 .. 16:00, every 30 minutes.
    assert _times(slots) == [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)][:-1]
    assert slots[0].start == datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    assert slots[0].end - slots[0].start == timedelta(minutes=60)
    assert {s.therapist for s in slots} == {therapist}


def test_no_slots_on_days_without_working_hours(
    therapist: Therapist, initial: AppointmentType
) -> None:
    saturday, sunday = date(2026, 3, 7), date(2026, 3, 8)
    assert find_free_slots(initial, saturday, sunday, now=MONDAY_7AM) == []


def test_a_whole_day_off_removes_every_slot(therapist: Therapist, initial: AppointmentType) -> None:
    AvailabilityException.objects.create(therapist=therapist, date=TUESDAY, kind=ExceptionKind.OFF)
    assert find_free_slots(initial, TUESDAY, TUESDAY, now=MONDAY_7AM) == []
    # The next day is untouched.
    wednesday = TUESDAY + timedelta(days=1)
    assert len(find_free_slots(initial, wednesday, wednesday, now=MONDAY_7AM)) == 15


def test_an_off_window_removes_only_the_slots_that_overlap_it(
    therapist: Therapist, initial: AppointmentType
) -> None:
    AvailabilityException.objects.create(
        therapist=therapist,
        date=TUESDAY,
        kind=ExceptionKind.OFF,
        start_time=time(12),
        end_time=time(13),
    )
    times = _times(find_free_slots(initial, TUESDAY, TUESDAY, now=MONDAY_7AM))
    assert "11:00" in times and "13:00" in times
    assert "11:30" not in times and "12:00" not in times and "12:30" not in times


def test_extra_hours_add_slots_on_a_day_off(therapist: Therapist, initial: AppointmentType) -> None:
    saturday = date(2026, 3, 7)
    AvailabilityException.objects.create(
        therapist=therapist,
        date=saturday,
        kind=ExceptionKind.EXTRA,
        start_time=time(10),
        end_time=time(12),
    )
    assert _times(find_free_slots(initial, saturday, saturday, now=MONDAY_7AM)) == [
        "10:00",
        "10:30",
        "11:00",
    ]


def test_an_existing_visit_and_its_buffer_block_overlapping_slots(
    therapist: Therapist, initial: AppointmentType, follow_up: AppointmentType
) -> None:
    _book(therapist, initial, local(TUESDAY, 10))  # busy 10:00-11:15 (15-minute buffer)
    first_hours = _times(find_free_slots(initial, TUESDAY, TUESDAY, now=MONDAY_7AM))[:2]
    # A 60-minute visit plus its own 15-minute buffer must finish before 10:00 too.
    assert first_hours == ["11:30", "12:00"]
    short = _times(find_free_slots(follow_up, TUESDAY, TUESDAY, now=MONDAY_7AM))
    assert short[:3] == ["09:00", "09:30", "11:30"]


def test_a_cancelled_visit_frees_its_time(therapist: Therapist, initial: AppointmentType) -> None:
    _book(therapist, initial, local(TUESDAY, 9), status=AppointmentStatus.CANCELLED)
    assert _times(find_free_slots(initial, TUESDAY, TUESDAY, now=MONDAY_7AM))[0] == "09:00"


def test_minimum_notice_is_two_hours_by_default(
    therapist: Therapist, initial: AppointmentType
) -> None:
    now = local(TUESDAY, 9, 10)
    assert _times(find_free_slots(initial, TUESDAY, TUESDAY, now=now))[0] == "11:30"
    exactly = local(TUESDAY, 9)
    assert _times(find_free_slots(initial, TUESDAY, TUESDAY, now=exactly))[0] == "11:00"


def test_the_booking_horizon_is_eight_weeks(therapist: Therapist, initial: AppointmentType) -> None:
    slots = find_free_slots(initial, date(2026, 4, 20), date(2026, 5, 10), now=MONDAY_7AM)
    # 56 days after Monday 2026-03-02 07:00 is Monday 2026-04-27 08:00 EDT, before 09:00.
    assert max(s.local_start.date() for s in slots) == date(2026, 4, 24)
    assert find_free_slots(initial, date(2026, 5, 1), date(2026, 5, 31), now=MONDAY_7AM) == []


def test_dates_in_the_past_give_no_slots_and_absurd_ranges_stay_cheap(
    therapist: Therapist, initial: AppointmentType
) -> None:
    assert find_free_slots(initial, date(2026, 2, 1), date(2026, 3, 1), now=MONDAY_7AM) == []
    slots = find_free_slots(initial, date(1, 1, 1), date(9999, 12, 31), now=MONDAY_7AM)
    # Eight full weeks of weekdays: Monday 2026-03-02 (09:00 is 2 h ahead) to Friday 04-24.
    assert len(slots) == 15 * 5 * 8


def test_spring_forward_keeps_nine_oclock_local(
    therapist: Therapist, initial: AppointmentType
) -> None:
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    before = find_free_slots(initial, friday, friday, now=MONDAY_7AM)[0]
    after = find_free_slots(initial, monday, monday, now=MONDAY_7AM)[0]
    assert before.local_start.strftime("%H:%M %z") == "09:00 -0500"
    assert after.local_start.strftime("%H:%M %z") == "09:00 -0400"
    assert before.start.time() == time(14) and after.start.time() == time(13)


def test_fall_back_keeps_nine_oclock_local(therapist: Therapist, initial: AppointmentType) -> None:
    now = datetime(2026, 10, 26, 12, tzinfo=UTC)
    friday, monday = date(2026, 10, 30), date(2026, 11, 2)
    before = find_free_slots(initial, friday, friday, now=now)[0]
    after = find_free_slots(initial, monday, monday, now=now)[0]
    assert before.local_start.strftime("%H:%M %z") == "09:00 -0400"
    assert after.local_start.strftime("%H:%M %z") == "09:00 -0500"


def test_hours_across_the_spring_gap_last_their_real_length(
    therapist: Therapist, follow_up: AppointmentType
) -> None:
    sunday = date(2026, 3, 8)  # 02:00 EST jumps to 03:00 EDT
    AvailabilityException.objects.create(
        therapist=therapist,
        date=sunday,
        kind=ExceptionKind.EXTRA,
        start_time=time(1),
        end_time=time(4),
    )
    slots = find_free_slots(follow_up, sunday, sunday, now=MONDAY_7AM)
    assert _times(slots) == ["01:00", "01:30", "03:00", "03:30"]
    assert [s.start.hour for s in slots] == [6, 6, 7, 7]


def test_hours_across_the_autumn_repeat_last_their_real_length(
    therapist: Therapist, follow_up: AppointmentType
) -> None:
    sunday = date(2026, 11, 1)  # 02:00 EDT falls back to 01:00 EST
    AvailabilityException.objects.create(
        therapist=therapist,
        date=sunday,
        kind=ExceptionKind.EXTRA,
        start_time=time(1),
        end_time=time(3),
    )
    slots = find_free_slots(follow_up, sunday, sunday, now=datetime(2026, 10, 26, 12, tzinfo=UTC))
    # 01:00 EDT to 03:00 EST is three real hours: 01:00 and 01:30 happen twice.
    assert _times(slots) == ["01:00", "01:30", "01:00", "01:30", "02:00", "02:30"]
    assert [s.local_start.utcoffset() for s in slots][1:3] == [
        timedelta(hours=-4),
        timedelta(hours=-5),
    ]


def test_any_therapist_merges_everyones_slots_in_time_order(
    therapist: Therapist, initial: AppointmentType, clinic: Clinic
) -> None:
    other = Therapist.objects.create(clinic=clinic, name="Blair Chen", credentials="PT")
    WorkingHours.objects.create(therapist=other, weekday=1, start_time=time(8), end_time=time(10))
    slots = find_free_slots(initial, TUESDAY, TUESDAY, now=MONDAY_7AM)
    assert [(s.local_start.strftime("%H:%M"), s.therapist.name) for s in slots[:4]] == [
        ("08:00", "Blair Chen"),
        ("08:30", "Blair Chen"),
        ("09:00", "Alex Moreau"),
        ("09:00", "Blair Chen"),
    ]
    only = find_free_slots(initial, TUESDAY, TUESDAY, therapist=other, now=MONDAY_7AM)
    assert {s.therapist for s in only} == {other}


def test_inactive_therapists_offer_no_slots(therapist: Therapist, initial: AppointmentType) -> None:
    therapist.active = False
    therapist.save()
    assert find_free_slots(initial, TUESDAY, TUESDAY, now=MONDAY_7AM) == []
    with pytest.raises(BookingValidationError) as err:
        find_free_slots(initial, TUESDAY, TUESDAY, therapist=therapist, now=MONDAY_7AM)
    assert err.value.field == "therapist"


def test_a_therapist_of_another_clinic_is_refused(initial: AppointmentType) -> None:
    elsewhere = Clinic.objects.create(name="Other", address="x", phone="1", time_zone="UTC")
    stranger = Therapist.objects.create(clinic=elsewhere, name="Kim", credentials="PT")
    with pytest.raises(BookingValidationError) as err:
        find_free_slots(initial, TUESDAY, TUESDAY, therapist=stranger, now=MONDAY_7AM)
    assert err.value.field == "therapist"


def test_an_end_date_before_the_start_date_names_the_end(initial: AppointmentType) -> None:
    with pytest.raises(BookingValidationError) as err:
        find_free_slots(initial, TUESDAY, TUESDAY - timedelta(days=1), now=MONDAY_7AM)
    assert err.value.field == "end"


def test_first_available_slots_skip_full_days(
    therapist: Therapist, initial: AppointmentType
) -> None:
    AvailabilityException.objects.create(
        therapist=therapist, date=date(2026, 3, 2), kind=ExceptionKind.OFF
    )
    AvailabilityException.objects.create(therapist=therapist, date=TUESDAY, kind=ExceptionKind.OFF)
    slots = first_available_slots(initial, limit=3, now=MONDAY_7AM)
    assert [s.local_start for s in slots] == [
        local(date(2026, 3, 4), 9),
        local(date(2026, 3, 4), 9, 30),
        local(date(2026, 3, 4), 10),
    ]
    later = first_available_slots(initial, after=local(date(2026, 3, 10), 16), now=MONDAY_7AM)
    assert later[0].local_start == local(date(2026, 3, 10), 16)


def test_naive_now_is_a_programming_error(initial: AppointmentType) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        find_free_slots(initial, TUESDAY, TUESDAY, now=datetime(2026, 3, 2, 12))


def test_slot_times_are_reported_in_the_clinics_zone(
    therapist: Therapist, initial: AppointmentType
) -> None:
    slot = find_free_slots(initial, TUESDAY, TUESDAY, now=MONDAY_7AM)[0]
    assert slot.local_start.tzinfo == NEW_YORK
    assert slot.local_end == local(TUESDAY, 10)


_BASE = datetime(2026, 3, 3, 14, tzinfo=UTC)
_ranges = st.lists(
    st.tuples(st.integers(0, 600), st.integers(1, 200)).map(
        lambda t: (_BASE + timedelta(minutes=t[0]), _BASE + timedelta(minutes=t[0] + t[1]))
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(busy=_ranges, start=st.integers(0, 700), length=st.integers(1, 120))
def test_busy_index_agrees_with_a_plain_overlap_check(
    busy: list[tuple[datetime, datetime]], start: int, length: int
) -> None:
    s = _BASE + timedelta(minutes=start)
    e = s + timedelta(minutes=length)
    expected = any(b_start < e and s < b_end for b_start, b_end in busy)
    assert BusyIndex(busy).overlaps(s, e) is expected
