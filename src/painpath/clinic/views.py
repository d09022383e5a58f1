"""Patient pages reached from the emailed private link: see, cancel or reschedule a visit, and
download its .ics file. No account: the signed token in the URL is the authorisation. Thin
views over ``painpath.clinic.services``; pages work without JavaScript.

Cancelling takes two steps so that one stray tap on a phone cannot cancel a visit: the page's
"Cancel my appointment" opens ``/appointments/<token>/cancel`` ("Cancel your appointment on
...?"), and only its "Yes, cancel it" form (POST, CSRF, ``confirm=yes``) cancels. A cancelled
visit's page says so, gives the clinic's phone and offers free times to book again.

When a check-in warning sign or the clinic's review has made the intake behind the visit more
urgent (``checkins_tags.escalation_view``), the page shows the same escalation banner as the
result page right under its heading; at emergency it offers no time (no "move", no "book
again", and a stale form posting one is refused), while cancelling stays possible.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from painpath.checkins.templatetags.checkins_tags import EscalationView, escalation_view
from painpath.clinic import services
from painpath.clinic.api import DEFAULT_WRITE_RATE
from painpath.clinic.formatting import format_local_datetime, format_local_range
from painpath.clinic.ics import build_ics
from painpath.clinic.models import Appointment, AppointmentStatus
from painpath.web.ratelimit import over_budget

#: Shown when a form from before an escalation to emergency tries to move or book a visit: the
#: page offers no times then (emergency care first), so only a stale page can send it.
EMERGENCY_FIRST = gettext_lazy(
    "Please get emergency help first, as the advice above says. Call the clinic to arrange "
    "physical therapy after you have been seen."
)

#: How many alternative start times the reschedule (and book-again) form offers.
RESCHEDULE_CHOICES = 12


def _appointment(token: str) -> Appointment:
    try:
        return services.appointment_for_token(token)
    except services.ExpiredTokenError:
        raise Http404(_("This link has expired.")) from None
    except services.InvalidTokenError:
        raise Http404(_("This link is not valid.")) from None


def _changeable(appointment: Appointment) -> bool:
    return appointment.status == AppointmentStatus.BOOKED and appointment.start > datetime.now(
        tz=appointment.therapist.clinic.tz
    )


def _escalation(appointment: Appointment) -> EscalationView | None:
    """The escalation banner's content when a check-in warning sign or the clinic's review made
    the intake behind this visit more urgent since it was booked from, else ``None``."""
    if appointment.intake is None:
        return None
    return escalation_view(appointment.intake)


def _emergency_now(escalation: EscalationView | None) -> bool:
    # Emergency care comes first: no page offers a physical-therapy time instead of it.
    return escalation is not None and escalation.level == "emergency"


def _page(
    request: HttpRequest,
    token: str,
    appointment: Appointment,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    clinic = appointment.therapist.clinic
    changeable = _changeable(appointment)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    escalation = _escalation(appointment)
    emergency = _emergency_now(escalation)
    advice: dict[str, object] = {}
    own_emergency = False
    intake = appointment.intake
    if intake is not None and intake.triage_level in ("emergency", "urgent"):
        # The intake's own urgent or emergency advice, as on every booking page: the visit was
        # booked for after a doctor's care (an emergency only after "I have been seen").
        from painpath.patients.views_booking import advice_context

        advice = advice_context(intake)
        own_emergency = escalation is None and intake.triage_level == "emergency"
    # An emergency intake's page offers other times only once the person says they have been
    # seen, as the booking pages do; moving stays possible (the form posts as before).
    emergency = emergency or (own_emergency and request.GET.get("seen") != "1")
    # After a cancellation the person may have booked again (here or from their result):
    # then this page links to that visit instead of offering times it would refuse.
    upcoming = services.upcoming_instead_of(appointment) if cancelled else None
    options: list[services.Slot] = []
    if not emergency and (changeable or (cancelled and upcoming is None)):
        try:
            options = services.first_available_slots(
                appointment.appointment_type, appointment.therapist, limit=RESCHEDULE_CHOICES
            )
        except services.BookingValidationError:
            options = []  # type or therapist no longer offered: the page says to call
    context = {
        **advice,  # first: this page's own "emergency" (no times offered) below wins
        "token": token,
        "appointment": appointment,
        "clinic": clinic,
        "when": format_local_range(appointment.start, appointment.end, clinic),
        "when_start": format_local_datetime(appointment.start, clinic),
        "local_start": appointment.start.astimezone(clinic.tz),
        "changeable": changeable,
        "cancelled": cancelled,
        "escalation": escalation,
        "emergency": emergency,
        "own_advice": bool(advice) and escalation is None,
        "seen_url": "?seen=1" if own_emergency and emergency else "",
        "options": [
            (slot, format_local_datetime(slot.start, clinic, with_zone=False)) for slot in options
        ],
        "error": error,
        "upcoming": upcoming,
        "upcoming_url": (
            reverse("clinic-manage", kwargs={"token": services.make_manage_token(upcoming)})
            if upcoming
            else ""
        ),
        "upcoming_when": (
            format_local_datetime(upcoming.start, upcoming.therapist.clinic) if upcoming else ""
        ),
    }
    return render(request, "clinic/manage.html", context, status=status)


def _confirm_page(
    request: HttpRequest, token: str, appointment: Appointment, *, status: int = 200
) -> HttpResponse:
    clinic = appointment.therapist.clinic
    context = {
        "token": token,
        "appointment": appointment,
        "clinic": clinic,
        "when": format_local_datetime(appointment.start, clinic),
        # At emergency the next page offers no new time: do not promise one.
        "emergency": _emergency_now(_escalation(appointment)),
    }
    return render(request, "clinic/cancel_confirm.html", context, status=status)


def _rate_limited(request: HttpRequest) -> bool:
    # The same budget as the API's anonymous writes (see clinic.api.DEFAULT_WRITE_RATE).
    return over_budget(
        request,
        group="painpath.clinic.api-write",
        setting="PAINPATH_BOOKING_RATE",
        default=DEFAULT_WRITE_RATE,
    )


@never_cache
@require_GET
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """Show the appointment, other free times of the same therapist and the way to cancel; for
    a cancelled one, say so plainly and offer times to book again."""
    return _page(request, token, _appointment(token))


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET: "Cancel your appointment on <day, time>?" with "Yes, cancel it" and "Keep my
    appointment". POST with ``confirm=yes``: cancel, then show the page (POST-redirect-GET);
    a POST without it only shows the question again, so nothing is cancelled by one tap."""
    appointment = _appointment(token)
    if not _changeable(appointment):
        return redirect("clinic-manage", token=token)
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return _confirm_page(request, token, appointment)
    if _rate_limited(request):
        return _page(request, token, appointment, error=_("Too many attempts."), status=429)
    try:
        services.cancel_appointment(token)
    except services.BookingValidationError as exc:
        return _page(request, token, appointment, error=exc.message, status=422)
    return redirect("clinic-manage", token=token)


def _chosen_start(
    request: HttpRequest, token: str, appointment: Appointment, missing: str
) -> datetime | HttpResponse:
    """The start chosen on the page's form (``start``, ISO 8601 with offset), or the page saying
    why none can be taken: an emergency now (409, emergency care first) or ``missing`` when no
    readable time was sent (422)."""
    if _emergency_now(_escalation(appointment)):
        return _page(request, token, appointment, error=str(EMERGENCY_FIRST), status=409)
    try:
        return datetime.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        return _page(request, token, appointment, error=missing, status=422)


@never_cache
@require_POST
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    """Move the visit to the chosen start (``start``: ISO 8601 with offset, from the form)."""
    appointment = _appointment(token)
    chosen = _chosen_start(request, token, appointment, _("Please choose a new time."))
    if isinstance(chosen, HttpResponse):
        return chosen
    try:
        moved = services.reschedule_appointment(token, chosen)
    except services.SlotUnavailableError as exc:
        return _page(request, token, appointment, error=exc.message, status=409)
    except services.BookingValidationError as exc:
        return _page(request, token, appointment, error=exc.message, status=422)
    messages.success(
        request,
        _("Your appointment is moved to %(when)s. We have emailed you the details.")
        % {"when": format_local_datetime(moved.start, moved.therapist.clinic)},
    )
    return redirect("clinic-manage", token=token)


@never_cache
@require_POST
def book_again(request: HttpRequest, token: str) -> HttpResponse:
    """After a cancellation: book the chosen start (``start``, ISO 8601) with the same therapist,
    then open the new appointment's own page with "Your new time is booked" (the confirmation
    email with its .ics goes out from ``services.book_appointment``)."""
    appointment = _appointment(token)
    chosen = _chosen_start(request, token, appointment, _("Please choose a time."))
    if isinstance(chosen, HttpResponse):
        return chosen
    if _rate_limited(request):
        return _page(request, token, appointment, error=_("Too many attempts."), status=429)
    try:
        booked = services.book_again(token, chosen)
    except (services.SlotUnavailableError, services.AlreadyBookedError) as exc:
        # AlreadyBookedError: another request from the same intake booked first; the page
        # then links to that visit (``upcoming_instead_of``).
        return _page(request, token, appointment, error=exc.message, status=409)
    except services.BookingValidationError as exc:
        return _page(request, token, appointment, error=exc.message, status=422)
    messages.success(
        request,
        _("Your new time is booked: %(when)s. We have emailed you the details.")
        % {"when": format_local_datetime(booked.start, booked.therapist.clinic)},
    )
    return redirect("clinic-manage", token=services.make_manage_token(booked))


@never_cache
@require_GET
def ics(request: HttpRequest, token: str) -> HttpResponse:
    """The appointment as an .ics calendar file (download); for a cancelled visit the file
    removes the event (METHOD:CANCEL, STATUS:CANCELLED)."""
    appointment = _appointment(token)
    body = build_ics(appointment, manage_link=services.manage_url(appointment))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
