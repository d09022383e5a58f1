"""The day's appointments for the front desk and therapists: local day, audit, least privilege."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import User

from painpath.audit.models import AuditEvent
from painpath.clinic.models import Appointment
from painpath.staff.services import local_day_bounds

from .conftest import MakeIntake, client_for

pytestmark = pytest.mark.django_db

NY = zoneinfo.ZoneInfo("America/New_York")


def _at(day: str, hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=NY)


def test_the_schedule_lists_the_local_days_appointments_only(
    front_desk_user: User, make_appointment: Callable[..., Appointment]
) -> None:
    # 20:30 in New York on 3 March is 01:30 UTC on 4 March: still the 3rd for the clinic.
    late = make_appointment(_at("2026-03-03", "20:30"), name="Late Lee")
    morning = make_appointment(_at("2026-03-03", "09:00"), name="Early Eve")
    make_appointment(_at("2026-03-04", "09:00"), name="Next Day Ned")

    response = client_for(front_desk_user).get("/staff/schedule/?date=2026-03-03")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Early Eve") < html.index("Late Lee")
    assert "Next Day Ned" not in html
    assert "8:30 PM" in html and "9:00 AM" in html  # the clinic's time, not UTC
    assert "Tuesday, March 3" in html and "Eastern Time" in html
    assert ">20:30" not in html
    assert 'href="?date=2026-03-02" rel="prev"' in html
    assert 'href="?date=2026-03-04" rel="next"' in html
    event = AuditEvent.objects.get(action="appointment.list")
    assert event.user == front_desk_user
    assert sorted(event.detail["appointments"]) == sorted([str(late.id), str(morning.id)])


def test_without_a_date_the_schedule_shows_today_in_the_clinics_zone(
    front_desk_user: User, make_appointment: Callable[..., Appointment]
) -> None:
    make_appointment(_at("2026-03-03", "10:00"), name="Today Tia")
    make_appointment(_at("2026-03-04", "10:00"), name="Tomorrow Tom")
    # 03:00 UTC on the 4th is still 22:00 on the 3rd in New York.
    with time_machine.travel(dt.datetime(2026, 3, 4, 3, 0, tzinfo=dt.UTC), tick=False):
        html = client_for(front_desk_user).get("/staff/schedule/").content.decode()
    assert "Today Tia" in html
    assert "Tomorrow Tom" not in html


def test_a_malformed_date_is_named_and_today_is_shown(
    front_desk_user: User, clinic: object
) -> None:
    response = client_for(front_desk_user).get("/staff/schedule/?date=03/04/2026")
    assert response.status_code == 200
    assert 'id="id_date_error"' in response.content.decode()


def test_the_front_desk_gets_no_link_to_the_intake_but_a_therapist_does(
    front_desk_user: User,
    therapist_user: User,
    make_intake: MakeIntake,
    make_appointment: Callable[..., Appointment],
) -> None:
    record = make_intake()
    make_appointment(_at("2026-03-03", "09:00"), intake=record)
    link = f"/staff/intakes/{record.reference}/"
    desk_html = client_for(front_desk_user).get("/staff/schedule/?date=2026-03-03")
    assert link not in desk_html.content.decode()
    therapist_html = client_for(therapist_user).get("/staff/schedule/?date=2026-03-03")
    assert link in therapist_html.content.decode()


@pytest.mark.parametrize(
    ("day", "hours"),
    [("2026-03-08", 23), ("2026-11-01", 25), ("2026-03-09", 24)],
)
def test_a_local_day_is_23_or_25_hours_long_across_daylight_saving_changes(
    day: str, hours: int
) -> None:
    start, end = local_day_bounds(dt.date.fromisoformat(day), NY)
    assert end - start == dt.timedelta(hours=hours)
    assert start.astimezone(NY).time() == dt.time(0, 0)


def test_phone_numbers_are_tappable_links_with_digits_only(
    front_desk_user: User, make_appointment: Callable[..., Appointment]
) -> None:
    appointment = make_appointment(_at("2026-03-03", "10:00"), name="Tel Tam")
    appointment.patient.phone = "+1 (555) 010-0199"
    appointment.patient.save(update_fields=["phone"])
    html = client_for(front_desk_user).get("/staff/schedule/?date=2026-03-03").content.decode()
    assert '<a href="tel:+15550100199">+1 (555) 010-0199</a>' in html


def test_a_therapist_sees_who_was_told_to_see_a_doctor_the_front_desk_does_not(
    front_desk_user: User,
    therapist_user: User,
    make_intake: MakeIntake,
    make_appointment: Callable[..., Appointment],
) -> None:
    urgent = make_intake("urgent")
    routine = make_intake("routine")
    make_appointment(_at("2026-03-03", "09:00"), intake=urgent)
    make_appointment(_at("2026-03-03", "11:00"), intake=routine)
    therapist = client_for(therapist_user).get("/staff/schedule/?date=2026-03-03")
    html = therapist.content.decode()
    assert html.count("Patient told:") == 1
    assert "Patient told: Urgent" in html
    desk = client_for(front_desk_user).get("/staff/schedule/?date=2026-03-03").content.decode()
    assert "Patient told" not in desk  # the front desk sees no health information
