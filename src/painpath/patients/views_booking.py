"""The patient booking flow: from a result to a booked initial evaluation, without an account.

Pages (``booking_urls``), all under the intake's private link ``/r/<token>/book/``:

1. ``choose``: pick a therapist or "first available"; free times in the clinic's time zone,
   grouped by day, a few days per page (plain links: works without JavaScript).
2. ``details``: the chosen time, contact details (email prefilled from the intake), confirm.
   A time taken meanwhile re-shows this page with the next free times to pick from, keeping
   what was typed.
3. ``done``: the booked appointment(s) of this intake, the .ics download and the private
   cancel/reschedule link.

One result books one initial evaluation at a time: while it has an upcoming one, ``choose``
and ``details`` show that appointment with its own change/cancel link instead of times, and a
POST of another time is refused (409; ``AlreadyBookedError`` from the service closes the race).
After a cancellation booking works again.

The token gates everything: a page only ever shows the appointments linked to its own intake.
URLs carry the token and slot codes (therapist id and time), never health data. Views are thin:
``painpath.clinic.services`` validates and books.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from painpath.checkins.services import current_triage_detail
from painpath.clinic import services as scheduling
from painpath.clinic.formatting import tel_href
from painpath.clinic.ics import build_ics
from painpath.clinic.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AppointmentType,
    Clinic,
    Therapist,
)
from painpath.engine.assessment import TRIAGE_ADVICE
from painpath.patients.forms_booking import (
    ANY_THERAPIST,
    ContactForm,
    SlotChoice,
    TherapistChoiceForm,
    decode_slot,
    encode_slot,
)
from painpath.patients.models import IntakeRecord
from painpath.patients.results import emergency_number
from painpath.patients.services import RecordNotFound, record_for_token
from painpath.web.ratelimit import over_budget

#: Days with free times shown per page: enough to choose from on a phone without scrolling far.
DAYS_PER_PAGE = 3
#: Days searched per query while looking for DAYS_PER_PAGE days with free times.
SEARCH_CHUNK_DAYS = 14
#: Alternatives offered when the chosen time was taken meanwhile.
ALTERNATIVES = 6
#: Booking attempts (POSTs) per client address: 20 an hour is far more than a person needs
#: and slows a script filling the calendar. ``PAINPATH_BOOKING_RATE`` overrides it (the JSON
#: API reads the same setting for its own, separate budget).
DEFAULT_BOOKING_RATE = "20/h"


def _rate_limited(request: HttpRequest) -> bool:
    return over_budget(
        request,
        group="painpath.patients.booking",
        setting="PAINPATH_BOOKING_RATE",
        default=DEFAULT_BOOKING_RATE,
    )


def _record(token: str) -> IntakeRecord:
    try:
        return record_for_token(token)
    except RecordNotFound:
        raise Http404("no such link") from None


def initial_evaluation_type() -> AppointmentType | None:
    """The appointment type booked from a result: the clinic's active initial evaluation
    (the first by clinic name, then duration), or ``None`` when no clinic offers one."""
    return (
        AppointmentType.objects.filter(kind=AppointmentKind.INITIAL, active=True)
        .select_related("clinic")
        .order_by("clinic__name", "minutes", "name")
        .first()
    )


def _therapists(appointment_type: AppointmentType) -> list[Therapist]:
    return list(
        Therapist.objects.filter(clinic=appointment_type.clinic, active=True)
        .select_related("clinic")
        .order_by("name")
    )


@dataclass(frozen=True)
class SlotView:
    """A free time as shown: local start/end, the therapist and the code to pick it."""

    code: str
    local_start: dt.datetime
    local_end: dt.datetime
    therapist: Therapist


@dataclass(frozen=True)
class DayView:
    day: dt.date
    slots: list[SlotView]


def _booked_per_day(slots: list[scheduling.Slot]) -> dict[tuple[uuid.UUID, dt.date], int]:
    """Booked appointments per (therapist id, local day in the clinic's zone) over the days
    that ``slots`` span: the load that "first available" spreads."""
    if not slots:
        return {}
    tz = slots[0].therapist.clinic.tz
    first_day = min(s.start for s in slots).astimezone(tz).date()
    last_day = max(s.start for s in slots).astimezone(tz).date()
    since = dt.datetime.combine(first_day, dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    counts: dict[tuple[uuid.UUID, dt.date], int] = {}
    booked = Appointment.objects.filter(
        therapist_id__in={s.therapist.id for s in slots},
        status=AppointmentStatus.BOOKED,
        start__gte=since,
        start__lt=until,
    ).values_list("therapist_id", "start")
    for therapist_id, start in booked:
        key = (therapist_id, start.astimezone(tz).date())
        counts[key] = counts.get(key, 0) + 1
    return counts


def _slot_views(slots: list[scheduling.Slot], *, one_per_time: bool) -> list[SlotView]:
    """Slots for display, in start order.

    With ``one_per_time`` ("first available") each start time is offered once, with the
    therapist free then who has the fewest booked appointments on that local day, ties broken
    by name (then id): the load spreads over the team instead of always going to the name
    that sorts first. Without it, every free (therapist, time) pair is listed.
    """
    if one_per_time:
        load = _booked_per_day(slots)
        by_start: dict[dt.datetime, scheduling.Slot] = {}

        def rank(slot: scheduling.Slot) -> tuple[int, str, str]:
            day = slot.local_start.date()
            booked = load.get((slot.therapist.id, day), 0)
            return (booked, slot.therapist.name, str(slot.therapist.id))

        for slot in slots:
            best = by_start.get(slot.start)
            if best is None or rank(slot) < rank(best):
                by_start[slot.start] = slot
        slots = sorted(by_start.values(), key=lambda s: s.start)
    return [
        SlotView(
            code=encode_slot(slot.therapist.id, slot.start),
            local_start=slot.local_start,
            local_end=slot.local_end,
            therapist=slot.therapist,
        )
        for slot in slots
    ]


def _days_with_slots(
    appointment_type: AppointmentType, therapist: Therapist | None, first: dt.date
) -> tuple[list[DayView], dt.date | None]:
    """Up to ``DAYS_PER_PAGE`` local days from ``first`` that have free times, and the day to
    continue from for "later times" (``None`` when the horizon is reached)."""
    clinic = appointment_type.clinic
    now = timezone.now()
    last_bookable = (now + dt.timedelta(days=clinic.horizon_days)).astimezone(clinic.tz).date()
    days: list[DayView] = []
    day = first
    while day <= last_bookable and len(days) < DAYS_PER_PAGE:
        chunk_end = min(day + dt.timedelta(days=SEARCH_CHUNK_DAYS - 1), last_bookable)
        slots = scheduling.find_free_slots(appointment_type, day, chunk_end, therapist, now=now)
        views = _slot_views(slots, one_per_time=therapist is None)
        for local_day, group in groupby(views, key=lambda s: s.local_start.date()):
            days.append(DayView(local_day, list(group)))
            if len(days) == DAYS_PER_PAGE:
                break
        day = chunk_end + dt.timedelta(days=1)
    next_day = None
    if len(days) == DAYS_PER_PAGE and days[-1].day < last_bookable:
        next_day = days[-1].day + dt.timedelta(days=1)
    return days, next_day


def _active_appointments(record: IntakeRecord) -> list[Appointment]:
    return list(
        Appointment.objects.filter(intake=record, status=AppointmentStatus.BOOKED)
        .select_related("therapist__clinic", "appointment_type")
        .order_by("start")
    )


def _already_booked(
    request: HttpRequest,
    context: dict[str, object],
    existing: Appointment,
    *,
    refused: str = "",
) -> HttpResponse:
    """The page shown instead of times while the intake has an upcoming initial evaluation
    (``existing``): its time and its own manage link. ``refused``: the message for a booking
    just refused (status 409), else "" (status 200)."""
    tz = existing.therapist.clinic.tz
    context = {
        **context,
        "existing": existing,
        "local_start": existing.start.astimezone(tz),
        "local_end": existing.end.astimezone(tz),
        "manage_url": scheduling.manage_url(existing),
        "refused": refused,
    }
    return render(
        request,
        "patients/booking/already_booked.html",
        context,
        status=409 if refused else 200,
    )


#: Why a second booking from the same result was refused (the first one stays as it is).
SECOND_BOOKING_REFUSED = gettext_lazy(
    "We did not book another appointment: you already have this one from your result. To "
    'choose another time, use "Change or cancel this appointment" below.'
)


def _urgent_advice(record: IntakeRecord) -> str:
    """The triage advice when it is more urgent than physical therapy, else ""."""
    if record.triage_level in ("emergency", "urgent"):
        return TRIAGE_ADVICE[record.triage_level]  # type: ignore[index]
    return ""


def advice_context(record: IntakeRecord) -> dict[str, object]:
    """The context of ``patients/booking/_urgent.html``, the advice every page about booking
    shows above physical-therapy times: the escalation banner, else the intake's own urgent or
    emergency advice. An emergency (the intake's level, or one reached later at a check-in or
    by the clinic's review) carries the emergency number and its ``tel:`` link
    (``PAINPATH_EMERGENCY_NUMBER``), for the same call button as the result page: emergency
    care comes before any physical-therapy booking. Also used by the emailed appointment page
    (``painpath.clinic.views``)."""
    # The level now: a check-in or the clinic's review may have made it an emergency since
    # the intake (then the check-in banner, ``escalation_banner``, carries the call button
    # and the red box below is only for an emergency intake, so the call shows once).
    emergency = current_triage_detail(record).level == "emergency"
    number = emergency_number() if emergency else ""
    return {
        "urgent_advice": _urgent_advice(record),
        "emergency": emergency,
        "emergency_box": record.triage_level == "emergency",
        "call_number": number,
        "call_href": tel_href(number) if number else "",
        "record": record,  # the check-in escalation banner (checkins_tags)
    }


def _base_context(token: str, record: IntakeRecord) -> dict[str, object]:
    """What every booking page needs: the private links and :func:`advice_context`."""
    return {
        "token": token,
        "result_url": reverse("patients:result", args=[token]),
        **advice_context(record),
    }


@never_cache
@require_http_methods(["GET"])
def choose(request: HttpRequest, token: str) -> HttpResponse:
    """Step 1: therapist choice and free times (GET ``therapist``, ``start``).

    An emergency result shows the emergency advice and call button instead: the free times
    appear only after the person says they have been seen (``?seen=1``), so booking is never
    offered as the next step for an emergency.
    """
    record = _record(token)
    appointment_type = initial_evaluation_type()
    context = _base_context(token, record)
    if context["emergency"] and request.GET.get("seen") != "1":
        return render(request, "patients/booking/emergency.html", context)
    if appointment_type is None:
        return render(request, "patients/booking/unavailable.html", context)
    existing = scheduling.upcoming_initial_evaluation(record)
    if existing is not None:
        return _already_booked(request, context, existing)
    clinic = appointment_type.clinic
    therapists = _therapists(appointment_type)
    data = request.GET.copy()
    data.setdefault("therapist", ANY_THERAPIST)
    form = TherapistChoiceForm(data, therapists=therapists)
    therapist = form.chosen_therapist()
    today = timezone.now().astimezone(clinic.tz).date()
    first = max(form.chosen_start() or today, today)
    days, next_day = _days_with_slots(appointment_type, therapist, first)
    therapist_value = str(therapist.id) if therapist else ANY_THERAPIST
    keep = {"seen": "1"} if context["emergency"] else {}
    context.update(
        {
            "form": form,
            "therapists": therapists,
            "clinic": clinic,
            "appointment_type": appointment_type,
            "therapist": therapist,
            "days": days,
            "later_url": (
                "?"
                + urlencode({"therapist": therapist_value, "start": next_day.isoformat(), **keep})
                if next_day
                else ""
            ),
            "earlier_url": (
                "?" + urlencode({"therapist": therapist_value, **keep}) if first > today else ""
            ),
            "existing": _active_appointments(record),
        }
    )
    return render(request, "patients/booking/choose.html", context)


def _alternatives(
    appointment_type: AppointmentType, therapist: Therapist | None, after: dt.datetime
) -> list[SlotView]:
    slots = scheduling.first_available_slots(
        appointment_type, therapist, after=after, limit=ALTERNATIVES * 3
    )
    return _slot_views(slots, one_per_time=therapist is None)[:ALTERNATIVES]


def _is_free(appointment_type: AppointmentType, therapist: Therapist, start: dt.datetime) -> bool:
    """Whether ``start`` is a free start time of ``therapist`` now: on the grid of their
    working hours, not taken, and within the clinic's notice and horizon."""
    local_day = start.astimezone(appointment_type.clinic.tz).date()
    slots = scheduling.find_free_slots(appointment_type, local_day, local_day, therapist)
    return any(slot.start == start for slot in slots)


@dataclass(frozen=True)
class ChosenSlot:
    """The time being booked, for the summary: therapist, local start and end."""

    therapist: Therapist
    local_start: dt.datetime
    local_end: dt.datetime


def _chosen(
    choice: SlotChoice | None,
    therapists: dict[uuid.UUID, Therapist],
    appointment_type: AppointmentType,
) -> ChosenSlot | None:
    if choice is None or choice.therapist_id not in therapists:
        return None
    tz = appointment_type.clinic.tz
    return ChosenSlot(
        therapists[choice.therapist_id],
        choice.start.astimezone(tz),
        (choice.start + appointment_type.duration).astimezone(tz),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: the chosen time (``slot``), contact details and the confirm button.

    GET ``?slot=CODE&who=any|THERAPIST_ID`` shows the form (an unreadable or unknown slot goes
    back to step 1; a time that is not free now, e.g. past, outside working hours or taken,
    shows "that time is no longer free" with the next free times instead). POST books through
    ``painpath.clinic.services.book_appointment``: success redirects to ``done``; invalid
    details re-show the form (400) with every field's error next to it; a time taken
    meanwhile re-shows it (409) with the next free times to pick; more than
    ``PAINPATH_BOOKING_RATE`` attempts from one address re-show it (429).
    """
    record = _record(token)
    appointment_type = initial_evaluation_type()
    context = _base_context(token, record)
    if appointment_type is None:
        return render(request, "patients/booking/unavailable.html", context)
    therapists = {t.id: t for t in _therapists(appointment_type)}
    choose_url = reverse("booking:choose", args=[token])
    status = 200
    alternatives: list[SlotView] = []
    taken_message = ""
    choice: SlotChoice | None

    existing = scheduling.upcoming_initial_evaluation(record)
    if existing is not None:
        # One result books one first visit at a time: show it (GET), or refuse a second one
        # (POST), except a resent form for this very time (a double click): its confirmation.
        if request.method == "POST" and _is_slot_of(request.POST.get("slot", ""), existing):
            return redirect("booking:done", token=token)
        refused = str(SECOND_BOOKING_REFUSED) if request.method == "POST" else ""
        return _already_booked(request, context, existing, refused=refused)
    if request.method == "GET":
        form = ContactForm(
            initial={
                "slot": request.GET.get("slot", ""),
                "who": request.GET.get("who", ANY_THERAPIST),
                "email": record.contact_email,
            }
        )
        try:
            choice = decode_slot(request.GET.get("slot", ""))
        except ValueError:
            return redirect(choose_url)
        if choice.therapist_id not in therapists:
            return redirect(choose_url)
        if not _is_free(appointment_type, therapists[choice.therapist_id], choice.start):
            # A stale, edited or old link: never show a form for a time that cannot be booked.
            who_id = _uuid_or_none(request.GET.get("who"))
            who = therapists.get(who_id) if who_id else None
            alternatives = _alternatives(appointment_type, who, choice.start)
            if not alternatives:  # nothing free later: step 1 says so and gives the phone
                return redirect(choose_url)
            taken_message = str(TIME_NO_LONGER_FREE)
    elif _rate_limited(request):
        form = ContactForm(request.POST)
        form.is_valid()  # re-show what was typed; nothing is booked
        choice = _slot_from_data(request.POST.get("slot", ""))
        taken_message = _(
            "Too many booking attempts from this connection. Please wait a few minutes and "
            "try again, or call the clinic."
        )
        status = 429
    else:
        form = ContactForm(request.POST)
        choice = None
        if form.is_valid():
            choice = form.cleaned_data["slot"]
            therapist = therapists.get(choice.therapist_id)
            if therapist is None:
                form.add_error("slot", str(THERAPIST_NOT_BOOKABLE))
            else:
                try:
                    scheduling.book_appointment(
                        appointment_type=appointment_type,
                        therapist=therapist,
                        start=choice.start,
                        patient=scheduling.PatientDetails(
                            name=form.cleaned_data["name"],
                            email=form.cleaned_data["email"],
                            phone=form.cleaned_data["phone"],
                        ),
                        intake=record,
                    )
                    return redirect("booking:done", token=token)
                except scheduling.AlreadyBookedError as exc:
                    # Another request from this result booked first (a concurrent one).
                    if exc.appointment.therapist_id == therapist.id and (
                        exc.appointment.start == choice.start
                    ):
                        return redirect("booking:done", token=token)
                    return _already_booked(
                        request, context, exc.appointment, refused=str(SECOND_BOOKING_REFUSED)
                    )
                except scheduling.BookingValidationError as exc:
                    form.add_service_error(
                        exc.field, _plain_time_error(exc, choice.start, appointment_type.clinic)
                    )
                except scheduling.SlotUnavailableError:
                    if Appointment.objects.filter(
                        intake=record,
                        therapist=therapist,
                        start=choice.start,
                        status=AppointmentStatus.BOOKED,
                    ).exists():
                        # A double click or a resent form: this person already has this slot.
                        return redirect("booking:done", token=token)
                    who_id = _uuid_or_none(form.cleaned_data.get("who"))
                    who = therapists.get(who_id) if who_id else None
                    alternatives = _alternatives(appointment_type, who, choice.start)
                    taken_message = _(
                        "Sorry, this time was just booked by someone else. "
                        "Please pick another time below; your details are kept."
                    )
                    status = 409
        else:
            choice = _slot_from_data(request.POST.get("slot", ""))
        if status == 200:
            status = 400

    context.update(
        {
            "form": form,
            "clinic": appointment_type.clinic,
            "appointment_type": appointment_type,
            "chosen": _chosen(choice, therapists, appointment_type),
            "alternatives": alternatives,
            "taken_message": taken_message,
            "choose_url": choose_url,
        }
    )
    return render(request, "patients/booking/details.html", context, status=status)


#: What a patient reads when the chosen time cannot be booked (the booking service's own
#: messages are written for the API: "This time is in the past.").
TIME_PASSED = gettext_lazy("That time has already passed. Please choose another time.")
TIME_NO_LONGER_FREE = gettext_lazy(
    "Sorry, that time is no longer free. Please pick another time below; you can fill in "
    "your details after."
)
TIME_NOT_FREE = gettext_lazy("That time is not free. Please choose another time.")
THERAPIST_NOT_BOOKABLE = gettext_lazy(
    "This therapist cannot be booked online at the moment. Please choose another time."
)


def _plain_time_error(
    exc: scheduling.BookingValidationError, start: dt.datetime, clinic: Clinic
) -> str:
    """The patient-facing sentence for a booking service error.

    Errors about the time say why in plain words (passed, too soon for the clinic's notice,
    beyond its booking horizon, not free) and ask for another time; errors about the
    therapist ask the same; contact-detail errors (already plain sentences) are kept.
    """
    if exc.field in ("therapist", "appointment_type"):
        return str(THERAPIST_NOT_BOOKABLE)
    if exc.field != "start":
        return exc.message
    now = timezone.now()
    if start <= now:
        return str(TIME_PASSED)
    notice = clinic.min_notice_minutes
    if start < now + dt.timedelta(minutes=notice):
        if notice % 60 == 0:
            ahead = ngettext("%(n)d hour", "%(n)d hours", notice // 60) % {"n": notice // 60}
        else:
            ahead = ngettext("%(n)d minute", "%(n)d minutes", notice) % {"n": notice}
        return _(
            "That time is too soon to book online: please choose a time at least %(ahead)s "
            "from now, or call the clinic."
        ) % {"ahead": ahead}
    if start > now + dt.timedelta(days=clinic.horizon_days):
        return _(
            "That time is too far ahead to book yet (up to %(days)d days ahead). Please "
            "choose an earlier time."
        ) % {"days": clinic.horizon_days}
    return str(TIME_NOT_FREE)


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _is_slot_of(code: str, appointment: Appointment) -> bool:
    """Whether the slot code names ``appointment``'s therapist and start."""
    choice = _slot_from_data(code)
    return (
        choice is not None
        and choice.therapist_id == appointment.therapist_id
        and choice.start == appointment.start
    )


def _slot_from_data(code: str) -> SlotChoice | None:
    try:
        return decode_slot(code)
    except ValueError:
        return None


@dataclass(frozen=True)
class BookedView:
    appointment: Appointment
    local_start: dt.datetime
    local_end: dt.datetime
    manage_url: str
    ics_url: str


@never_cache
@require_http_methods(["GET"])
def done(request: HttpRequest, token: str) -> HttpResponse:
    """Step 3: this intake's booked appointments, each with its .ics and manage link."""
    record = _record(token)
    booked = []
    for appointment in _active_appointments(record):
        tz = appointment.therapist.clinic.tz
        booked.append(
            BookedView(
                appointment=appointment,
                local_start=appointment.start.astimezone(tz),
                local_end=appointment.end.astimezone(tz),
                manage_url=scheduling.manage_url(appointment),
                ics_url=reverse("booking:ics", args=[token, appointment.id]),
            )
        )
    if not booked:
        return redirect("booking:choose", token=token)
    context = _base_context(token, record)
    context["booked"] = booked
    return render(request, "patients/booking/done.html", context)


@never_cache
@require_http_methods(["GET"])
def ics(request: HttpRequest, token: str, appointment_id: uuid.UUID) -> HttpResponse:
    """The .ics calendar file of one appointment of this intake (404 for any other)."""
    record = _record(token)
    appointment = (
        Appointment.objects.filter(id=appointment_id, intake=record)
        .select_related("therapist__clinic", "appointment_type", "patient")
        .first()
    )
    if appointment is None:
        raise Http404("no such appointment")
    body = build_ics(appointment, manage_link=scheduling.manage_url(appointment))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
