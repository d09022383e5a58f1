"""The scheduling JSON API (django-ninja), mounted at ``/api/``; OpenAPI at ``/api/openapi.json``.

Endpoints (all anonymous; changes to a booking need its signed token):

* ``GET  /api/v1/appointment-types`` -> ``[{"id", "name", "minutes", "kind"}]``
* ``GET  /api/v1/therapists`` -> ``[{"id", "name", "credentials"}]``
* ``GET  /api/v1/availability?appointment_type=ID&start=YYYY-MM-DD&end=YYYY-MM-DD[&therapist=ID]``
  -> ``{"time_zone", "slots": [{"therapist", "start", "end"}]}`` (ISO 8601 in the clinic's zone,
  with the UTC offset)
* ``POST /api/v1/bookings`` -> 201 booking with its ``token``; 409 taken; 422 invalid
* ``GET  /api/v1/bookings/{token}``, ``POST /api/v1/bookings/{token}/cancel``,
  ``POST /api/v1/bookings/{token}/reschedule`` (``{"start"}``)

Errors: ``{"detail": "...", "errors": [{"field": "patient.email", "message": "..."}]}`` with 422
(invalid input, the field named with dots), 409 (slot taken; ``next_slots`` suggests others),
404 (unknown or forged token), 410 (expired token), 429 (rate limit).
Ids are the objects' random UUIDs; the booking token carries no personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AwareDatetime, ConfigDict

from painpath.clinic import services
from painpath.clinic.models import Appointment, AppointmentType, Therapist
from painpath.web.ratelimit import over_budget

api = NinjaAPI(
    title="PainPath scheduling API",
    version="1",
    description="Therapists, free slots and bookings of a physical-therapy clinic.",
    urls_namespace="clinic-api",
    docs_url=None,  # the interactive docs load scripts from a CDN, which our CSP forbids
)
router = Router(tags=["scheduling"])

#: Budget for anonymous writes (book, cancel, reschedule) per client IP: 20 an hour is far above
#: what one person needs and makes filling a calendar with fake bookings slow. Settings (and
#: tests) can change it with PAINPATH_BOOKING_RATE, e.g. "100000/m".
DEFAULT_WRITE_RATE = "20/h"


# --- schemas ---------------------------------------------------------------------------------


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class AppointmentTypeOut(Schema):
    id: UUID
    name: str
    minutes: int
    kind: Literal["initial", "follow_up"]


class TherapistOut(Schema):
    id: UUID
    name: str
    credentials: str


class SlotOut(Schema):
    therapist: UUID
    start: datetime
    end: datetime


class AvailabilityOut(Schema):
    time_zone: str
    slots: list[SlotOut]


class ConflictOut(ErrorOut):
    next_slots: list[SlotOut] = []


class AvailabilityQuery(Schema):
    appointment_type: UUID
    start: date
    end: date
    therapist: UUID | None = None


class PatientIn(StrictSchema):
    name: str = Field(..., max_length=200)
    email: str = Field(..., max_length=254)
    phone: str = Field(..., max_length=40)
    date_of_birth: date | None = None


class BookingIn(StrictSchema):
    appointment_type: UUID
    therapist: UUID
    start: AwareDatetime
    patient: PatientIn


class RescheduleIn(StrictSchema):
    start: AwareDatetime
    therapist: UUID | None = None


class BookingOut(Schema):
    id: UUID
    status: str
    appointment_type: UUID
    therapist: UUID
    start: datetime
    end: datetime
    time_zone: str
    token: str
    manage_url: str


# --- helpers ---------------------------------------------------------------------------------


def _slot_out(slot: services.Slot) -> SlotOut:
    return SlotOut(therapist=slot.therapist.id, start=slot.local_start, end=slot.local_end)


def _booking_out(appointment: Appointment) -> BookingOut:
    zone = appointment.therapist.clinic.tz
    return BookingOut(
        id=appointment.id,
        status=appointment.status,
        appointment_type=appointment.appointment_type_id,
        therapist=appointment.therapist_id,
        start=appointment.start.astimezone(zone),
        end=appointment.end.astimezone(zone),
        time_zone=appointment.therapist.clinic.time_zone,
        token=services.make_manage_token(appointment),
        manage_url=services.manage_url(appointment),
    )


def _type(type_id: UUID) -> AppointmentType:
    found = AppointmentType.objects.select_related("clinic").filter(id=type_id, active=True).first()
    if found is None:
        raise services.BookingValidationError("appointment_type", _("Unknown appointment type."))
    return found


def _therapist(therapist_id: UUID | None) -> Therapist | None:
    if therapist_id is None:
        return None
    found = Therapist.objects.select_related("clinic").filter(id=therapist_id, active=True).first()
    if found is None:
        raise services.BookingValidationError("therapist", _("Unknown therapist."))
    return found


def _limit_writes(request: HttpRequest) -> None:
    if over_budget(
        request,
        group="painpath.clinic.api-write",
        setting="PAINPATH_BOOKING_RATE",
        default=DEFAULT_WRITE_RATE,
    ):
        raise RateLimitedError


class RateLimitedError(Exception):
    """Too many anonymous writes from one client."""


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    # ninja locations look like ("body", "payload", "patient", "email") or ("query", "start").
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
        if parts and parts[0] in {"payload", "filters"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


# --- error handlers --------------------------------------------------------------------------


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(err.get("loc", ())), "message": str(err.get("msg", "invalid"))}
        for err in exc.errors
    ]
    return api.create_response(
        request, {"detail": _("Invalid input."), "errors": errors}, status=422
    )


@api.exception_handler(services.BookingValidationError)
def _invalid_booking(request: HttpRequest, exc: services.BookingValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": exc.message, "errors": [{"field": exc.field, "message": exc.message}]},
        status=422,
    )


@api.exception_handler(services.ExpiredTokenError)
def _expired(request: HttpRequest, exc: services.ExpiredTokenError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=410)


@api.exception_handler(services.InvalidTokenError)
def _bad_token(request: HttpRequest, exc: services.InvalidTokenError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=404)


@api.exception_handler(RateLimitedError)
def _rate_limited(request: HttpRequest, exc: RateLimitedError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": _("Too many requests. Please try again later."), "errors": []},
        status=429,
    )
    response["Retry-After"] = "3600"
    return response


def _conflict(
    request: HttpRequest,
    exc: services.SlotUnavailableError,
    appointment_type: AppointmentType,
    after: datetime,
) -> HttpResponse:
    suggestions = services.first_available_slots(appointment_type, after=after, limit=5)
    body = ConflictOut(
        detail=exc.message,
        errors=[FieldError(field="start", message=exc.message)],
        next_slots=[_slot_out(s) for s in suggestions],
    )
    return api.create_response(request, body.model_dump(mode="json"), status=409)


# --- endpoints -------------------------------------------------------------------------------


@router.get("/appointment-types", response=list[AppointmentTypeOut])
def list_appointment_types(request: HttpRequest) -> list[AppointmentType]:
    """Bookable appointment types."""
    return list(AppointmentType.objects.filter(active=True))


@router.get("/therapists", response=list[TherapistOut])
def list_therapists(request: HttpRequest) -> list[Therapist]:
    """Therapists who can be booked."""
    return list(Therapist.objects.filter(active=True))


@router.get("/availability", response={200: AvailabilityOut, 422: ErrorOut})
def availability(request: HttpRequest, filters: Query[AvailabilityQuery]) -> AvailabilityOut:
    """Free slots of an appointment type between two local dates (inclusive)."""
    appointment_type = _type(filters.appointment_type)
    therapist = _therapist(filters.therapist)
    slots = services.find_free_slots(appointment_type, filters.start, filters.end, therapist)
    return AvailabilityOut(
        time_zone=appointment_type.clinic.time_zone, slots=[_slot_out(s) for s in slots]
    )


@router.post(
    "/bookings",
    response={201: BookingOut, 409: ConflictOut, 422: ErrorOut, 429: ErrorOut},
)
def create_booking(request: HttpRequest, payload: BookingIn) -> Any:
    """Book a slot. 201 with the booking and its cancel/reschedule token; 409 when taken."""
    _limit_writes(request)
    appointment_type = _type(payload.appointment_type)
    therapist = _therapist(payload.therapist)
    assert therapist is not None  # payload.therapist is required
    try:
        appointment = services.book_appointment(
            appointment_type=appointment_type,
            therapist=therapist,
            start=payload.start,
            patient=services.PatientDetails(
                name=payload.patient.name,
                email=payload.patient.email,
                phone=payload.patient.phone,
                date_of_birth=payload.patient.date_of_birth,
            ),
        )
    except services.SlotUnavailableError as exc:
        return _conflict(request, exc, appointment_type, payload.start)
    return Status(201, _booking_out(appointment))


@router.get("/bookings/{token}", response={200: BookingOut, 404: ErrorOut, 410: ErrorOut})
def get_booking(request: HttpRequest, token: str) -> BookingOut:
    """The booking named by its token."""
    return _booking_out(services.appointment_for_token(token))


@router.post(
    "/bookings/{token}/cancel",
    response={200: BookingOut, 404: ErrorOut, 410: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def cancel_booking(request: HttpRequest, token: str) -> BookingOut:
    """Cancel the booking named by its token (cancelling twice is harmless)."""
    _limit_writes(request)
    return _booking_out(services.cancel_appointment(token))


@router.post(
    "/bookings/{token}/reschedule",
    response={
        200: BookingOut,
        404: ErrorOut,
        409: ConflictOut,
        410: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
)
def reschedule_booking(request: HttpRequest, token: str, payload: RescheduleIn) -> Any:
    """Move the booking named by its token to another free start (and optionally therapist)."""
    _limit_writes(request)
    therapist = _therapist(payload.therapist)
    try:
        appointment = services.reschedule_appointment(token, payload.start, therapist=therapist)
    except services.SlotUnavailableError as exc:
        current = services.appointment_for_token(token)
        return _conflict(request, exc, current.appointment_type, payload.start)
    return _booking_out(appointment)


api.add_router("/v1/", router)
