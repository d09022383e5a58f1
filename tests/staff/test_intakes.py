"""The therapist's intake list and detail: urgency order, what is shown, reviews, audit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import escape

import pytest
from django.contrib.auth.models import User

from painpath.audit.models import AuditEvent
from painpath.clinic.models import Appointment
from painpath.engine.questionnaire import load_questionnaire
from painpath.staff.models import IntakeReview

from .conftest import MakeIntake, client_for

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def test_intakes_are_listed_most_urgent_first_and_newest_first_within_a_level(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    old_routine = make_intake("routine", T0)
    new_self_care = make_intake("self_care", T0 + dt.timedelta(hours=5))
    old_emergency = make_intake("emergency", T0 - dt.timedelta(days=3))
    new_routine = make_intake("routine", T0 + dt.timedelta(hours=1))
    urgent = make_intake("urgent", T0 + dt.timedelta(hours=2))

    response = client_for(therapist_user).get("/staff/intakes/")

    assert response.status_code == 200
    refs = re.findall(r"/staff/intakes/([0-9a-f-]{36})/", response.content.decode())
    expected = [old_emergency, urgent, new_routine, old_routine, new_self_care]
    assert refs == [str(r.reference) for r in expected]


def test_listing_intakes_is_audited_with_the_references_shown(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    records = [make_intake("routine", T0 + dt.timedelta(minutes=i)) for i in range(3)]

    client_for(therapist_user).get("/staff/intakes/", REMOTE_ADDR="192.0.2.10")

    event = AuditEvent.objects.get(action="intake.list")
    assert event.user == therapist_user
    assert event.ip_address == "192.0.2.10"
    assert sorted(event.detail["references"]) == sorted(str(r.reference) for r in records)


def test_the_list_runs_a_fixed_number_of_queries_however_many_intakes(
    therapist_user: User,
    make_intake: MakeIntake,
    django_assert_max_num_queries: object,
) -> None:
    for i in range(30):
        make_intake("urgent" if i % 3 else "routine", T0 + dt.timedelta(minutes=i))
    client = client_for(therapist_user)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/staff/intakes/").status_code == 200


def test_the_detail_shows_answers_in_words_and_the_engines_assessment(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake("routine", answers={"age": 47, "pain_now": 6})

    response = client_for(therapist_user).get(f"/staff/intakes/{record.reference}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Lumbar disc herniation" in html
    assert "46%" in html
    assert "worse when you cough or sneeze" in html
    assert "reason for routine" in html
    # Answers appear with the questionnaire's wording and units, not as bare linkIds.
    age = next(i for i in load_questionnaire().step_of("age").items if i.link_id == "age")
    assert f"<dt>{escape(age.text)}</dt><dd>47 {age.unit}</dd>" in html


def test_opening_an_intake_is_audited_with_its_id(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake()

    client_for(therapist_user).get(f"/staff/intakes/{record.reference}/")

    event = AuditEvent.objects.get(action="intake.view")
    assert (event.user, event.object_type, event.object_id) == (
        therapist_user,
        "patients.intakerecord",
        str(record.pk),
    )


def test_a_review_that_changes_the_level_is_stored_and_keeps_the_engines_original(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake("routine")
    url = f"/staff/intakes/{record.reference}/"

    response = client_for(therapist_user).post(
        url,
        {"triage_level": "urgent", "leading_condition": "sciatica", "note": "Night pain."},
    )

    assert response.status_code == 302
    review = IntakeReview.objects.get()
    assert review.reviewer == therapist_user
    assert (review.triage_level, review.leading_condition) == ("urgent", "sciatica")
    assert review.agrees_with_engine is False
    assert review.note == "Night pain."
    record.refresh_from_db()
    assert record.triage_level == "routine"
    assert record.assessment["conditions"][0]["id"] == "herniated_disc"
    assert AuditEvent.objects.filter(action="intake.review", object_id=str(record.pk)).exists()
    page = client_for(therapist_user).get(url).content.decode()
    assert "Night pain." in page
    assert "changes the engine" in page


def test_a_review_that_confirms_the_engine_is_marked_as_agreeing(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake("routine")
    client_for(therapist_user).post(
        f"/staff/intakes/{record.reference}/",
        {"triage_level": "routine", "leading_condition": "herniated_disc"},
    )
    assert IntakeReview.objects.get().agrees_with_engine is True


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"leading_condition": "sciatica"}, "triage_level", "This field is required."),
        (
            {"triage_level": "whenever", "leading_condition": "sciatica"},
            "triage_level",
            "Select a valid choice.",
        ),
        ({"triage_level": "urgent"}, "leading_condition", "This field is required."),
        (
            {"triage_level": "urgent", "leading_condition": "gout"},
            "leading_condition",
            "Select a valid choice.",
        ),
        (
            {"triage_level": "urgent", "leading_condition": "sciatica", "note": "x" * 4001},
            "note",
            "at most 4000 characters",
        ),
    ],
)
def test_every_review_form_error_is_shown_next_to_its_field(
    therapist_user: User,
    make_intake: MakeIntake,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    record = make_intake()
    response = client_for(therapist_user).post(f"/staff/intakes/{record.reference}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    error_list = re.search(rf'<p class="field-error" id="id_{field}_error">(.*?)</p>', html, re.S)
    assert error_list is not None, html
    assert message in error_list.group(1)
    assert 'aria-describedby="' in html
    assert not IntakeReview.objects.exists()


def test_the_review_form_offers_the_engines_leading_condition_first(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake()
    html = client_for(therapist_user).get(f"/staff/intakes/{record.reference}/").content.decode()
    select = re.search(r'<select name="leading_condition".*?</select>', html, re.S)
    assert select is not None
    values = re.findall(r'<option value="([a-z_]+)"', select.group(0))
    assert values[:2] == ["herniated_disc", "sciatica"]
    assert "cauda_equina_syndrome" in values  # every knowledge-base condition can be chosen
    assert '<option value="herniated_disc" selected>' in select.group(0)


def test_times_are_shown_in_the_clinics_zone(
    therapist_user: User, make_intake: MakeIntake, clinic: object
) -> None:
    record = make_intake("routine", T0)  # 12:00 UTC = 07:00 in New York (EST)
    html = client_for(therapist_user).get("/staff/intakes/").content.decode()
    # The clinic formatting helper: day and 12-hour time, the zone named once for the list.
    assert "Monday, March 2" in html and "at 7:00 AM" in html
    assert "Times are in Eastern Time." in html
    assert "2026-03-02 07:00" not in html and "07:00 EST" not in html
    detail = client_for(therapist_user).get(f"/staff/intakes/{record.reference}/")
    when = r"Monday, March 2(, 2026)? at 7:00 AM \(Eastern Time\)"
    assert re.search(when, detail.content.decode())


def test_a_colleague_who_may_read_but_not_review_is_refused_and_audited(
    make_intake: MakeIntake,
) -> None:
    from django.contrib.auth.models import Permission

    reader = User.objects.create_user("reader", password="x-long-password-9")
    reader.user_permissions.add(Permission.objects.get(codename="view_patient_intakes"))
    record = make_intake()
    client = client_for(reader)
    assert client.get(f"/staff/intakes/{record.reference}/").status_code == 200
    response = client.post(
        f"/staff/intakes/{record.reference}/",
        {"triage_level": "urgent", "leading_condition": "sciatica"},
    )
    assert response.status_code == 403
    assert not IntakeReview.objects.exists()
    refused = AuditEvent.objects.get(action="staff.refused")
    assert (refused.user, refused.object_id) == (reader, str(record.pk))


def test_the_list_and_detail_show_the_booked_appointment_and_who_booked(
    therapist_user: User,
    make_intake: MakeIntake,
    make_appointment: Callable[..., Appointment],
) -> None:
    record = make_intake("urgent")
    make_appointment(dt.datetime(2026, 3, 3, 14, 0, tzinfo=dt.UTC), intake=record, name="Ivy Lane")
    client = client_for(therapist_user)
    listing = client.get("/staff/intakes/").content.decode()
    assert re.search(r"Tuesday, March 3(, 2026)? at 9:00 AM", listing)  # 14:00 UTC in New York
    detail = client.get(f"/staff/intakes/{record.reference}/").content.decode()
    assert "Ivy Lane (555-0199)" in detail


def test_the_detail_shows_how_to_reach_the_person_and_audits_it(
    therapist_user: User,
    make_intake: MakeIntake,
    make_appointment: Callable[..., Appointment],
) -> None:
    record = make_intake("urgent")
    record.contact_email = "ivy@example.org"
    record.save(update_fields=["contact_email"])
    appointment = make_appointment(
        dt.datetime(2026, 3, 3, 14, 0, tzinfo=dt.UTC), intake=record, name="Ivy Lane"
    )
    client = client_for(therapist_user)

    html = client.get(f"/staff/intakes/{record.reference}/", REMOTE_ADDR="192.0.2.7").content
    page = html.decode()

    start = page.index('id="contact"')
    contact = page[start : page.index("</section>", start)]
    assert '<a href="mailto:ivy@example.org">ivy@example.org</a>' in contact
    assert "Ivy Lane" in contact
    assert '<a href="tel:5550199">555-0199</a>' in contact
    assert '<a href="mailto:pat@example.org">pat@example.org</a>' in contact
    # The contact block comes before the answers (near the top of a long page).
    assert page.index('id="contact"') < page.index('id="answers-heading"')
    event = AuditEvent.objects.get(action="intake.contact")
    assert (event.user, event.object_id, event.ip_address) == (
        therapist_user,
        str(record.pk),
        "192.0.2.7",
    )
    assert event.detail == {
        "fields": ["intake_email", "patient_name", "patient_phone", "patient_email"],
        "patients": [str(appointment.patient_id)],
    }
    assert "ivy@example.org" not in str(event.detail)  # which fields, never their values


def test_the_detail_says_when_no_contact_was_given(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake("routine")
    page = client_for(therapist_user).get(f"/staff/intakes/{record.reference}/").content.decode()
    assert "No contact details were given" in page
    assert AuditEvent.objects.get(action="intake.contact").detail["fields"] == []


def test_a_jump_link_near_the_top_leads_to_the_review_form(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake("routine")
    page = client_for(therapist_user).get(f"/staff/intakes/{record.reference}/").content.decode()
    link = page.index('href="#review-form"')
    assert link < page.index('id="answers-heading"') and link < page.index('id="engine-heading"')
    assert re.search(r'<form method="post"[^>]*id="review-form"', page)
