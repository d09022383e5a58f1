"""The patient booking pages: choose a time, give details, confirm; every error by field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.test import Client

from painpath.clinic.models import Appointment, AppointmentKind, AppointmentType, Patient
from painpath.patients.forms_booking import decode_slot, encode_slot

from .conftest import NY, ClinicSetup, MakeIntake, contact, local

pytestmark = pytest.mark.django_db


def _slot_links(html: str) -> list[str]:
    return re.findall(r'href="(/r/[^"]+/book/details/\?slot=[^"]+)"', html)


def _details(token: str, therapist_id: object, start: dt.datetime, who: str = "any") -> str:
    return f"/r/{token}/book/details/?slot={encode_slot(therapist_id, start)}&who={who}"  # type: ignore[arg-type]


# --- step 1: choose ----------------------------------------------------------------------------


def test_free_times_are_listed_by_day_in_the_clinics_zone_three_days_a_page(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    response = Client().get(f"/r/{token}/book/")
    html = response.content.decode()

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    days = re.findall(r"<h3>([^<]+)</h3>", html)
    assert days == ["Monday, March 2", "Tuesday, March 3", "Wednesday, March 4"]
    # Monday: notice of 2 hours from 08:00 leaves 10:00, 10:30 and 11:00 (60 min before 12:00).
    monday = html.split("<h3>Monday, March 2</h3>")[1].split("<h3>")[0]
    assert re.findall(r">([^<>]+)<span", monday) == ["10:00 AM", "10:30 AM", "11:00 AM"]
    # First available: each time once, though both therapists are free.
    assert len(_slot_links(html)) == 3 + 5 + 5
    assert "?therapist=any&amp;start=2026-03-05" in html  # later times
    assert "<dt>Sam Rivera, DPT</dt><dd>Treats sciatica in runners.</dd>" in html


def test_later_times_continue_after_the_last_day_shown(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    html = Client().get(f"/r/{token}/book/?therapist=any&start=2026-03-05").content.decode()
    # Thursday, Friday, then the weekend is skipped (no hours) to Monday.
    assert re.findall(r"<h3>([^<]+)</h3>", html) == [
        "Thursday, March 5",
        "Friday, March 6",
        "Monday, March 9",
    ]
    assert "Earliest times" in html
    assert re.search(r'value="any"[^>]*checked', html)
    # Without a therapist in the query, "first available" is the choice shown.
    html = Client().get(f"/r/{token}/book/?start=2026-03-05").content.decode()
    assert re.search(r'value="any"[^>]*checked', html)
    assert re.findall(r"<h3>([^<]+)</h3>", html)[0] == "Thursday, March 5"


def test_choosing_a_therapist_lists_only_their_times(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    response = Client().get(f"/r/{token}/book/?therapist={setup.sam.id}")
    html = response.content.decode()
    links = _slot_links(html)
    assert links
    for link in links:
        query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
        assert decode_slot(query["slot"][0]).therapist_id == setup.sam.id
        assert query["who"] == [str(setup.sam.id)]
    assert f'value="{setup.sam.id}" id="id_therapist_2" checked' in html or re.search(
        rf'value="{setup.sam.id}"[^>]*checked', html
    )


def test_an_unknown_therapist_falls_back_to_first_available(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    response = Client().get(f"/r/{token}/book/?therapist=nobody&start=not-a-date")
    assert response.status_code == 200
    assert len(_slot_links(response.content.decode())) == 13


@pytest.mark.parametrize("token", ["x" * 43, "short", "A" * 43])
def test_an_unknown_or_malformed_link_is_not_found(setup: ClinicSetup, token: str) -> None:
    for path in ("", "details/", "done/"):
        assert Client().get(f"/r/{token}/book/{path}").status_code == 404


def test_without_an_initial_evaluation_type_booking_says_to_call(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    AppointmentType.objects.filter(kind=AppointmentKind.INITIAL).update(active=False)
    _record, token = make_intake()
    response = Client().get(f"/r/{token}/book/")
    assert response.status_code == 200
    assert b"Online booking is not available" in response.content


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_an_urgent_or_emergency_result_repeats_its_advice_on_the_booking_pages(
    setup: ClinicSetup, make_intake: MakeIntake, level: str
) -> None:
    _record, token = make_intake(level)
    html = Client().get(f"/r/{token}/book/").content.decode()
    assert 'role="alert"' in html
    expected = "emergency department" if level == "emergency" else "within 24 hours"
    assert expected in html


def test_an_emergency_result_gets_the_red_call_button_and_no_booking_as_next_step(
    setup: ClinicSetup, make_intake: MakeIntake, settings: Any
) -> None:
    settings.PAINPATH_EMERGENCY_NUMBER = "911"
    _record, token = make_intake("emergency")
    html = Client().get(f"/r/{token}/book/").content.decode()
    assert "triage-emergency" in html
    assert "triage-urgent" not in html
    assert re.search(r'<a class="button emergency-call" href="tel:911">Call 911 now</a>', html)
    assert _slot_links(html) == []  # no free times offered as the next step
    assert "Confirm booking" not in html and "Show free times" not in html
    assert "After you have been seen" in html
    # Once seen, the times are there, still under the red box with its call button.
    seen = Client().get(f"/r/{token}/book/?seen=1").content.decode()
    assert _slot_links(seen)
    assert "triage-emergency" in seen and 'href="tel:911"' in seen
    details = Client().get(_slot_links(seen)[0].replace("&amp;", "&")).content.decode()
    assert "triage-emergency" in details and 'href="tel:911"' in details
    assert "triage-urgent" not in details


def test_an_emergency_reached_after_the_intake_also_holds_booking(
    setup: ClinicSetup, make_intake: MakeIntake, settings: Any
) -> None:
    from django.contrib.auth.models import User

    from painpath.staff.models import IntakeReview

    settings.PAINPATH_EMERGENCY_NUMBER = "911"
    record, token = make_intake("routine")
    IntakeReview.objects.create(
        intake=record,
        reviewer=User.objects.create_user("pt"),
        triage_level="emergency",
        leading_condition="cauda_equina_syndrome",
        agrees_with_engine=False,
    )
    html = Client().get(f"/r/{token}/book/").content.decode()
    assert _slot_links(html) == []
    assert html.count('href="tel:911"') == 1  # the banner's call button, shown once
    assert "After you have been seen" in html
    assert _slot_links(Client().get(f"/r/{token}/book/?seen=1").content.decode())


def test_an_urgent_result_keeps_the_amber_box_and_booking(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake("urgent")
    html = Client().get(f"/r/{token}/book/").content.decode()
    assert "triage-urgent" in html and "emergency-call" not in html
    assert _slot_links(html)


def test_booking_pages_link_the_clinic_phone_as_digits_only(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake("routine")
    client = Client()
    choose = client.get(f"/r/{token}/book/").content.decode()
    link = _slot_links(choose)[0].replace("&amp;", "&")
    client.post(
        link.split("?")[0], {**contact(), "slot": parse_qs(urlparse(link).query)["slot"][0]}
    )
    done = client.get(f"/r/{token}/book/done/").content.decode()
    assert '<a href="tel:+15550100">+1 555 0100</a>' in done
    assert 'href="tel:+1 555' not in done


def test_a_routine_result_shows_no_alarm(setup: ClinicSetup, make_intake: MakeIntake) -> None:
    _record, token = make_intake("routine")
    assert b'role="alert"' not in Client().get(f"/r/{token}/book/").content


# --- step 2: details ---------------------------------------------------------------------------


def test_the_details_page_summarises_the_time_and_prefills_the_intakes_email(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake(email="pat@example.org")
    response = Client().get(_details(token, setup.sam.id, local("2026-03-03", "09:00")))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tuesday, March 3, 9:00 AM to 10:00 AM" in html
    assert "(Eastern Time)" in html
    assert "America/New_York" not in html
    assert "Sam Rivera" in html
    assert 'value="pat@example.org"' in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize(
    "query",
    ["slot=garbage", "slot=", "", "slot=00000000-0000-4000-8000-000000000000_20260303T140000Z"],
)
def test_a_missing_unreadable_or_unknown_slot_goes_back_to_the_times(
    setup: ClinicSetup, make_intake: MakeIntake, query: str
) -> None:
    _record, token = make_intake()
    response = Client().get(f"/r/{token}/book/details/?{query}")
    assert response.status_code == 302
    assert response["Location"] == f"/r/{token}/book/"


def test_confirming_books_the_time_links_it_to_the_intake_and_emails_the_person(
    setup: ClinicSetup, make_intake: MakeIntake, django_capture_on_commit_callbacks: Any
) -> None:
    record, token = make_intake()
    start = local("2026-03-03", "10:00")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/r/{token}/book/details/",
            {"slot": encode_slot(setup.ana.id, start), "who": "any", **contact()},
        )
    assert response.status_code == 302
    assert response["Location"] == f"/r/{token}/book/done/"
    appointment = Appointment.objects.get()
    assert appointment.intake == record
    assert appointment.therapist == setup.ana
    assert appointment.appointment_type == setup.initial
    assert appointment.start == start
    assert appointment.end == start + dt.timedelta(hours=1)
    patient = appointment.patient
    assert (patient.name, patient.email, patient.phone) == (
        "Pat Example",
        "pat@example.org",
        "+1 555 0199",
    )
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    assert "herniated" not in mail.outbox[0].body  # no health data in the email


def test_the_confirmation_page_offers_the_ics_file_and_the_private_manage_link(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    client = Client()
    client.post(
        f"/r/{token}/book/details/",
        {"slot": encode_slot(setup.sam.id, local("2026-03-04", "11:00")), **contact()},
    )
    html = client.get(f"/r/{token}/book/done/").content.decode()
    assert "Wednesday, March 4, 11:00 AM to 12:00 PM" in html
    assert "Times are in Eastern Time, the clinic's time zone." in html
    assert "America/New_York" not in html
    ics_link = re.search(r'href="(/r/[^"]+/appointment\.ics)" download', html)
    assert ics_link is not None
    manage = re.search(r'href="(http[^"]+/appointments/[^"]+/)"', html)
    assert manage is not None
    manage_path = urlparse(manage.group(1)).path
    assert client.get(manage_path).status_code == 200

    ics = client.get(ics_link.group(1))
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert "attachment" in ics["Content-Disposition"]
    body = ics.content.decode()
    assert "BEGIN:VEVENT" in body
    assert "DTSTART" in body and "20260304T160000Z" in body.replace("\r\n ", "")


def test_the_ics_of_another_intakes_appointment_is_not_found(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _mine, token = make_intake()
    _other, other_token = make_intake()
    Client().post(
        f"/r/{token}/book/details/",
        {"slot": encode_slot(setup.sam.id, local("2026-03-04", "11:00")), **contact()},
    )
    appointment = Appointment.objects.get()
    assert Client().get(f"/r/{token}/book/{appointment.id}/appointment.ics").status_code == 200
    assert (
        Client().get(f"/r/{other_token}/book/{appointment.id}/appointment.ics").status_code == 404
    )
    # Another person's link shows none of it: no booking there, so back to the times.
    assert Client().get(f"/r/{other_token}/book/done/")["Location"] == f"/r/{other_token}/book/"


def test_a_double_submit_books_once_and_lands_on_the_confirmation(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    data = {"slot": encode_slot(setup.sam.id, local("2026-03-03", "09:30")), **contact()}
    client = Client()
    first = client.post(f"/r/{token}/book/details/", data)
    second = client.post(f"/r/{token}/book/details/", data)
    assert first["Location"] == second["Location"] == f"/r/{token}/book/done/"
    assert Appointment.objects.count() == 1


def test_a_time_just_taken_offers_the_next_free_times_and_keeps_the_details(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _first, first_token = make_intake()
    _second, token = make_intake()
    start = local("2026-03-03", "09:00")
    slot = encode_slot(setup.sam.id, start)
    Client().post(f"/r/{first_token}/book/details/", {"slot": slot, **contact(name="First")})

    response = Client().post(
        f"/r/{token}/book/details/",
        {"slot": slot, "who": str(setup.sam.id), **contact(name="Second Person")},
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "just booked by someone else" in html
    assert 'value="Second Person"' in html
    offered = re.findall(r'<input type="radio" name="slot" value="([^"]+)"', html)
    assert offered
    choices = [decode_slot(code) for code in offered]
    assert all(c.therapist_id == setup.sam.id for c in choices)  # the therapist they chose
    assert all(c.start > start for c in choices)
    assert choices == sorted(choices, key=lambda c: c.start)

    retry = Client().post(
        f"/r/{token}/book/details/", {"slot": offered[0], "who": "", **contact(name="Second")}
    )
    assert retry.status_code == 302
    assert Appointment.objects.count() == 2


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="id_{field}_error">(.*?)</p>', html, re.S)
    assert match is not None, f"no error shown for {field}"
    return match.group(1).strip()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Please give your name."),
        ({"name": "   "}, "name", "Please give your name."),
        ({"email": ""}, "email", "Please give your email address."),
        ({"email": "pat@"}, "email", "Please give a valid email address"),
        ({"phone": ""}, "phone", "Please give a phone number."),
        ({"phone": "call me"}, "phone", "Please give a phone number (digits"),
        ({"phone": "12"}, "phone", "Please give a phone number (digits"),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
    ],
)
def test_every_contact_error_is_named_next_to_its_field(
    setup: ClinicSetup,
    make_intake: MakeIntake,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    _record, token = make_intake()
    data = {"slot": encode_slot(setup.sam.id, local("2026-03-03", "09:00")), **contact()}
    data.update(overrides)
    response = Client().post(f"/r/{token}/book/details/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in _field_error(html, field)
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error', html)
    assert 'aria-invalid="true"' in html
    assert "Please check the form" in html  # the summary at the top links to the field
    assert f'href="#id_{field}"' in html
    assert Appointment.objects.count() == 0
    assert Patient.objects.count() == 0


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        ("", "Please choose a time."),
        ("garbage", "That time could not be read"),
        ("PAST", "That time has already passed. Please choose another time."),
        ("SOON", "too soon to book online: please choose a time at least 2 hours from now"),
        ("OFFGRID", "That time is not free. Please choose another time."),
        ("FAR", "too far ahead to book yet (up to 56 days ahead)"),
        ("NOBODY", "This therapist cannot be booked online"),
    ],
)
def test_every_time_error_is_named_with_a_way_back_to_the_times(
    setup: ClinicSetup, make_intake: MakeIntake, slot: str, message: str
) -> None:
    codes = {
        "PAST": encode_slot(setup.sam.id, local("2026-03-02", "07:00")),
        "SOON": encode_slot(setup.sam.id, local("2026-03-02", "09:00")),
        "OFFGRID": encode_slot(setup.sam.id, local("2026-03-03", "09:10")),
        "FAR": encode_slot(setup.sam.id, local("2026-06-01", "09:00")),
        "NOBODY": "00000000-0000-4000-8000-000000000000_20260303T140000Z",
    }
    _record, token = make_intake()
    response = Client().post(
        f"/r/{token}/book/details/", {"slot": codes.get(slot, slot), **contact()}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in _field_error(html, "slot")
    assert f'href="/r/{token}/book/"' in html
    assert 'value="Pat Example"' in html  # nothing typed is lost
    assert Appointment.objects.count() == 0


def test_posting_without_the_csrf_token_is_refused(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    client = Client(enforce_csrf_checks=True)
    data = {"slot": encode_slot(setup.sam.id, local("2026-03-03", "09:00")), **contact()}
    assert client.post(f"/r/{token}/book/details/", data).status_code == 403
    assert Appointment.objects.count() == 0


def test_no_personal_or_health_data_travels_in_booking_urls(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    client = Client()
    html = client.get(f"/r/{token}/book/").content.decode()
    response = client.post(
        f"/r/{token}/book/details/",
        {"slot": encode_slot(setup.sam.id, local("2026-03-03", "09:00")), **contact()},
    )
    for url in [*_slot_links(html), response["Location"]]:
        # The private token is random letters and may spell anything ("...rpatn..."): only the
        # rest of the URL is read for the person's name, email, phone and health words.
        rest = url.replace(token, "[token]").lower()
        for personal in ("pat", "example.org", "0199", "herniated", "routine"):
            assert personal not in rest, (personal, rest)
    assert len(mail.outbox) <= 1  # the scheduling service's confirmation, nothing else


def test_an_existing_booking_is_mentioned_on_the_times_page(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    client = Client()
    client.post(
        f"/r/{token}/book/details/",
        {"slot": encode_slot(setup.sam.id, local("2026-03-03", "09:00")), **contact()},
    )
    html = client.get(f"/r/{token}/book/").content.decode()
    assert "You already have an appointment" in html
    assert f'href="/r/{token}/book/done/"' in html
    assert dt.datetime.now(NY) < local("2026-03-03", "09:00")


def test_too_many_attempts_from_one_address_are_slowed_down_keeping_the_details(
    setup: ClinicSetup, make_intake: MakeIntake, settings: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.PAINPATH_BOOKING_RATE = "3/h"
    _record, token = make_intake()
    client = Client()
    bad = {"slot": encode_slot(setup.sam.id, local("2026-03-03", "09:00")), **contact(phone="")}
    for _ in range(3):
        assert client.post(f"/r/{token}/book/details/", bad).status_code == 400
    good = {"slot": encode_slot(setup.sam.id, local("2026-03-03", "09:00")), **contact()}
    limited = client.post(f"/r/{token}/book/details/", good)
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "Too many booking attempts" in html
    assert 'value="Pat Example"' in html
    assert Appointment.objects.count() == 0
    # Another address still books.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.post(f"/r/{token}/book/details/", good).status_code == 302


def test_each_booking_page_with_its_css_and_script_stays_under_200_kb(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    client = Client()
    assets = sum(
        len(b"".join(client.get(f"/static/painpath/{name}").streaming_content))  # type: ignore[attr-defined]
        for name in ("site.css", "painpath.js")
    )
    slot = encode_slot(setup.sam.id, local("2026-03-03", "09:00"))
    pages = [
        client.get(f"/r/{token}/book/"),
        client.get(f"/r/{token}/book/details/?slot={slot}"),
    ]
    client.post(f"/r/{token}/book/details/", {"slot": slot, **contact()})
    pages.append(client.get(f"/r/{token}/book/done/"))
    for response in pages:
        assert response.status_code == 200
        assert len(response.content) + assets < 200_000


def test_times_stay_at_local_clock_time_across_the_spring_daylight_saving_change(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    import time_machine

    _record, token = make_intake()
    # Friday 6 March, before the change on Sunday 8 March 2026 (EST -> EDT).
    with time_machine.travel(local("2026-03-06", "07:00"), tick=False):
        html = Client().get(f"/r/{token}/book/").content.decode()
    days = re.findall(r"<h3>([^<]+)</h3>", html)
    assert days == ["Friday, March 6", "Monday, March 9", "Tuesday, March 10"]
    for day in ("Friday, March 6", "Monday, March 9"):
        block = html.split(f"<h3>{day}</h3>")[1].split("<h3>")[0]
        assert re.findall(r">([^<>]+)<span", block)[0] == "9:00 AM"
    codes = [
        parse_qs(urlparse(u.replace("&amp;", "&")).query)["slot"][0] for u in _slot_links(html)
    ]
    starts = {decode_slot(c).start.astimezone(dt.UTC).strftime("%d %H:%M") for c in codes}
    assert "06 14:00" in starts  # 09:00 EST
    assert "09 13:00" in starts  # 09:00 EDT


# --- wording and "first available" --------------------------------------------------------------


def test_the_error_summary_reads_as_plain_sentences_without_field_names(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    past = encode_slot(setup.sam.id, local("2026-03-02", "07:00"))
    response = Client().post(f"/r/{token}/book/details/", {"slot": past, **contact()})
    html = response.content.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert (
        '<a href="#id_slot">That time has already passed. Please choose another time.</a>'
        in summary
    )
    assert "Slot" not in html and "Time:" not in summary
    assert "in the past" not in html  # the booking service's API wording stays in the API

    soon = encode_slot(setup.sam.id, local("2026-03-02", "10:00"))
    response = Client().post(f"/r/{token}/book/details/", {"slot": soon, **contact(phone="")})
    summary = response.content.decode().split('class="error-summary"')[1].split("</div>")[0]
    assert '<a href="#id_phone">Please give a phone number.</a>' in summary
    assert "Phone:" not in summary


def _offered(html: str) -> dict[dt.date, set[object]]:
    """Local day -> therapist ids offered on the "choose" page."""
    by_day: dict[dt.date, set[object]] = {}
    for url in _slot_links(html):
        code = parse_qs(urlparse(url.replace("&amp;", "&")).query)["slot"][0]
        choice = decode_slot(code)
        by_day.setdefault(choice.start.astimezone(NY).date(), set()).add(choice.therapist_id)
    return by_day


def test_first_available_offers_the_therapist_with_the_fewest_bookings_that_day(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    from painpath.clinic import services

    _record, token = make_intake()
    # Empty days: a tie, broken by name, so Ana Brooks (before Sam Rivera) at every time.
    offered = _offered(Client().get(f"/r/{token}/book/").content.decode())
    assert offered == {
        dt.date(2026, 3, 2): {setup.ana.id},
        dt.date(2026, 3, 3): {setup.ana.id},
        dt.date(2026, 3, 4): {setup.ana.id},
    }
    # Ana takes a visit on Tuesday: that day, Sam (no bookings) is offered at every time.
    services.book_appointment(
        appointment_type=setup.initial,
        therapist=setup.ana,
        start=local("2026-03-03", "09:00"),
        patient=services.PatientDetails(name="A", email="a@example.org", phone="+1 555 0111"),
    )
    offered = _offered(Client().get(f"/r/{token}/book/").content.decode())
    assert offered[dt.date(2026, 3, 3)] == {setup.sam.id}
    assert offered[dt.date(2026, 3, 2)] == {setup.ana.id}  # other days unchanged
    assert offered[dt.date(2026, 3, 4)] == {setup.ana.id}
    # Each time is still offered once, and no time is lost: Tuesday 09:00 stays (with Sam).
    html = Client().get(f"/r/{token}/book/").content.decode()
    tuesday = html.split("<h3>Tuesday, March 3</h3>")[1].split("<h3>")[0]
    assert re.findall(r">([^<>]+)<span", tuesday) == [
        "9:00 AM",
        "9:30 AM",
        "10:00 AM",
        "10:30 AM",
        "11:00 AM",
    ]
