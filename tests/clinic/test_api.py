"""The JSON API under /api/v1/: listings, availability, bookings and every error path."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from painpath.clinic.models import Appointment, AppointmentType, Patient, Therapist

from .conftest import MONDAY_7AM, local

TUESDAY = date(2026, 3, 3)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with time_machine.travel(MONDAY_7AM, tick=False):
        yield


@pytest.fixture
def api() -> Client:
    return Client()


def _booking(kind: AppointmentType, therapist: Therapist, start: datetime, **patient: Any) -> dict:
    return {
        "appointment_type": str(kind.id),
        "therapist": str(therapist.id),
        "start": start.isoformat(),
        "patient": {"name": "Jamie Rivera", "email": "jamie@example.com", "phone": "+1 555 0142"}
        | patient,
    }


def _post(api: Client, url: str, body: Any) -> Any:
    return api.post(url, body, content_type="application/json")


def _fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def test_appointment_types_and_therapists_are_listed(
    api: Client, therapist: Therapist, initial: AppointmentType, follow_up: AppointmentType
) -> None:
    types = api.get("/api/v1/appointment-types").json()
    assert {(t["name"], t["minutes"], t["kind"]) for t in types} == {
        ("Initial evaluation", 60, "initial"),
        ("Follow-up", 30, "follow_up"),
    }
    assert {t["id"] for t in types} == {str(initial.id), str(follow_up.id)}
    assert api.get("/api/v1/therapists").json() == [
        {"id": str(therapist.id), "name": "Alex Moreau", "credentials": "PT, DPT"}
    ]


def test_availability_gives_local_times_with_their_offset(
    api: Client, therapist: Therapist, initial: AppointmentType
) -> None:
    response = api.get(
        "/api/v1/availability",
        {"appointment_type": str(initial.id), "start": "2026-03-06", "end": "2026-03-09"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["time_zone"] == "America/New_York"
    starts = [s["start"] for s in body["slots"]]
    assert starts[0] == "2026-03-06T09:00:00-05:00"
    assert "2026-03-09T09:00:00-04:00" in starts  # after the spring-forward change
    assert body["slots"][0] == {
        "therapist": str(therapist.id),
        "start": "2026-03-06T09:00:00-05:00",
        "end": "2026-03-06T10:00:00-05:00",
    }


def test_availability_for_one_therapist(
    api: Client, therapist: Therapist, initial: AppointmentType
) -> None:
    response = api.get(
        "/api/v1/availability",
        {
            "appointment_type": str(initial.id),
            "start": "2026-03-03",
            "end": "2026-03-03",
            "therapist": str(therapist.id),
        },
    )
    assert len(response.json()["slots"]) == 15


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"start": "2026-03-03", "end": "2026-03-03"}, ["appointment_type"]),
        (
            {"appointment_type": "nope", "start": "2026-03-03", "end": "2026-03-03"},
            ["appointment_type"],
        ),
        ({"appointment_type": "TYPE", "start": "03/03/2026", "end": "2026-03-03"}, ["start"]),
        ({"appointment_type": "TYPE", "start": "2026-03-03", "end": "2026-02-30"}, ["end"]),
        ({"appointment_type": "TYPE", "start": "2026-03-04", "end": "2026-03-03"}, ["end"]),
        (
            {
                "appointment_type": "00000000-0000-0000-0000-000000000000",
                "start": "2026-03-03",
                "end": "2026-03-03",
            },
            ["appointment_type"],
        ),
        (
            {
                "appointment_type": "TYPE",
                "start": "2026-03-03",
                "end": "2026-03-03",
                "therapist": "00000000-0000-0000-0000-000000000000",
            },
            ["therapist"],
        ),
    ],
)
def test_availability_errors_name_the_parameter(
    api: Client,
    therapist: Therapist,
    initial: AppointmentType,
    params: dict[str, str],
    fields: list[str],
) -> None:
    query = {k: (str(initial.id) if v == "TYPE" else v) for k, v in params.items()}
    response = api.get("/api/v1/availability", query)
    assert response.status_code == 422
    assert _fields(response) == fields


def test_a_booking_returns_201_with_times_and_a_token(
    api: Client, therapist: Therapist, initial: AppointmentType
) -> None:
    response = _post(api, "/api/v1/bookings", _booking(initial, therapist, local(TUESDAY, 10)))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "booked"
    assert body["start"] == "2026-03-03T10:00:00-05:00"
    assert body["end"] == "2026-03-03T11:00:00-05:00"
    assert body["therapist"] == str(therapist.id)
    assert body["manage_url"].endswith(f"/appointments/{body['token']}/")
    assert Appointment.objects.get().id.hex == body["id"].replace("-", "")
    # The token works for reading the booking back.
    again = api.get(f"/api/v1/bookings/{body['token']}")
    assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_a_taken_slot_gives_409_with_other_free_times(
    api: Client, therapist: Therapist, initial: AppointmentType
) -> None:
    body = _booking(initial, therapist, local(TUESDAY, 10))
    assert _post(api, "/api/v1/bookings", body).status_code == 201
    response = _post(api, "/api/v1/bookings", body | {"patient": body["patient"] | {"name": "B"}})
    assert response.status_code == 409
    payload = response.json()
    assert "no longer available" in payload["detail"]
    assert _fields(response) == ["start"]
    assert payload["next_slots"][0]["start"] == "2026-03-03T11:30:00-05:00"
    assert Appointment.objects.count() == 1 and Patient.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"patient": {"name": "Jamie", "email": "jamie@", "phone": "+1 555 0142"}},
            "patient.email",
        ),
        (
            {"patient": {"name": "", "email": "j@example.com", "phone": "+1 555 0142"}},
            "patient.name",
        ),
        ({"patient": {"name": "Jamie", "email": "j@example.com", "phone": "x"}}, "patient.phone"),
        ({"patient": {"name": "Jamie", "email": "j@example.com"}}, "patient.phone"),
        (
            {"patient": {"name": "J", "email": "j@example.com", "phone": "5550142", "age": 3}},
            "patient.age",
        ),
        ({"start": "2026-03-03T10:00:00"}, "start"),  # no UTC offset
        ({"start": "2026-03-01T10:00:00-05:00"}, "start"),  # past
        ({"start": "2026-03-03T20:00:00-05:00"}, "start"),  # outside working hours
        ({"start": "tomorrow"}, "start"),
        ({"therapist": "00000000-0000-0000-0000-000000000000"}, "therapist"),
        ({"therapist": 7}, "therapist"),
        ({"appointment_type": "00000000-0000-0000-0000-000000000000"}, "appointment_type"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_invalid_bookings_give_422_naming_the_field(
    api: Client,
    therapist: Therapist,
    initial: AppointmentType,
    change: dict[str, Any],
    field: str,
) -> None:
    response = _post(
        api, "/api/v1/bookings", _booking(initial, therapist, local(TUESDAY, 10)) | change
    )
    assert response.status_code == 422, response.json()
    assert field in _fields(response)
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0


def test_a_body_that_is_not_json_is_refused(api: Client, initial: AppointmentType) -> None:
    response = api.post("/api/v1/bookings", "{not json", content_type="application/json")
    assert response.status_code in {400, 422}
    assert Appointment.objects.count() == 0


def test_cancel_and_reschedule_with_the_token(
    api: Client, therapist: Therapist, initial: AppointmentType
) -> None:
    token = _post(api, "/api/v1/bookings", _booking(initial, therapist, local(TUESDAY, 10))).json()[
        "token"
    ]
    moved = _post(
        api, f"/api/v1/bookings/{token}/reschedule", {"start": "2026-03-04T14:00:00-05:00"}
    )
    assert moved.status_code == 200
    assert moved.json()["start"] == "2026-03-04T14:00:00-05:00"
    cancelled = _post(api, f"/api/v1/bookings/{token}/cancel", {})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    late = _post(
        api, f"/api/v1/bookings/{token}/reschedule", {"start": "2026-03-04T15:00:00-05:00"}
    )
    assert late.status_code == 422 and _fields(late) == ["token"]


def test_rescheduling_onto_a_taken_time_gives_409(
    api: Client, therapist: Therapist, initial: AppointmentType
) -> None:
    _post(api, "/api/v1/bookings", _booking(initial, therapist, local(TUESDAY, 14), name="A"))
    token = _post(api, "/api/v1/bookings", _booking(initial, therapist, local(TUESDAY, 10))).json()[
        "token"
    ]
    response = _post(
        api, f"/api/v1/bookings/{token}/reschedule", {"start": "2026-03-03T14:00:00-05:00"}
    )
    assert response.status_code == 409
    assert response.json()["next_slots"]


@pytest.mark.parametrize("method", ["get", "cancel", "reschedule"])
def test_a_bad_token_gives_404_and_an_old_one_410(
    api: Client, therapist: Therapist, initial: AppointmentType, method: str
) -> None:
    token = _post(api, "/api/v1/bookings", _booking(initial, therapist, local(TUESDAY, 10))).json()[
        "token"
    ]

    def call(tok: str) -> Any:
        if method == "get":
            return api.get(f"/api/v1/bookings/{tok}")
        body = {"start": "2026-03-04T14:00:00-05:00"} if method == "reschedule" else {}
        return _post(api, f"/api/v1/bookings/{tok}/{method}", body)

    assert call("garbage").status_code == 404
    assert call(token[:-3] + "xyz").status_code == 404
    with time_machine.travel(MONDAY_7AM + timedelta(days=71), tick=False):
        assert call(token).status_code == 410


def test_anonymous_writes_are_rate_limited_per_client(
    api: Client, therapist: Therapist, initial: AppointmentType, settings: Any
) -> None:
    settings.PAINPATH_BOOKING_RATE = "3/h"
    cache.clear()
    statuses = [
        _post(
            api,
            "/api/v1/bookings",
            _booking(initial, therapist, local(TUESDAY, 9 + 2 * i), name=f"P{i}"),
        ).status_code
        for i in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    other_client = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        _post(
            other_client, "/api/v1/bookings", _booking(initial, therapist, local(TUESDAY, 15))
        ).status_code
        == 201
    )
    cache.clear()


def test_the_openapi_document_lists_every_endpoint(api: Client) -> None:
    doc = api.get("/api/openapi.json").json()
    assert set(doc["paths"]) == {
        "/api/v1/appointment-types",
        "/api/v1/therapists",
        "/api/v1/availability",
        "/api/v1/bookings",
        "/api/v1/bookings/{token}",
        "/api/v1/bookings/{token}/cancel",
        "/api/v1/bookings/{token}/reschedule",
    }
    assert set(doc["paths"]["/api/v1/bookings"]["post"]["responses"]) >= {"201", "409", "422"}
