"""Patient pages reached from the emailed private link: see, cancel or reschedule a visit, and
download its .ics file. No account: the signed token in the URL is the authorisation. Thin
views over ``painpath.clinic.services``; pages work without JavaScript."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from painpath.clinic import services
from painpath.clinic.ics import build_ics
from painpath.clinic.models import Appointment, AppointmentStatus

#: How many alternative start times the reschedule form offers.
RESCHEDULE_CHOICES = 12


def _appointment(token: str) -> Appointment:
    try:
        return services.appointment_for_token(token)
    except services.ExpiredTokenError:
        raise Http404(_("This link has expired.")) from None
    except services.InvalidTokenError:
        raise Http404(_("This link is not valid.")) from None


def _page(
    request: HttpRequest,
    token: str,
    appointment: Appointment,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    clinic = appointment.therapist.clinic
    zone = clinic.tz
    changeable = (
        appointment.status == AppointmentStatus.BOOKED and appointment.start > datetime.now(tz=zone)
    )
    options: list[services.Slot] = []
    if changeable:
        options = services.first_available_slots(
            appointment.appointment_type, appointment.therapist, limit=RESCHEDULE_CHOICES
        )
    context = {
        "token": token,
        "appointment": appointment,
        "clinic": clinic,
        "local_start": appointment.start.astimezone(zone),
        "local_end": appointment.end.astimezone(zone),
        "changeable": changeable,
        "options": options,
        "error": error,
    }
    return render(request, "clinic/manage.html", context, status=status)


@never_cache
@require_GET
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """Show the appointment with a cancel button and other free times of the same therapist."""
    return _page(request, token, _appointment(token))


@never_cache
@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel, then show the page again (a POST-redirect-GET)."""
    appointment = _appointment(token)
    try:
        services.cancel_appointment(token)
    except services.BookingValidationError as exc:
        return _page(request, token, appointment, error=exc.message, status=422)
    return redirect("clinic-manage", token=token)


@never_cache
@require_POST
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    """Move the visit to the chosen start (``start``: ISO 8601 with offset, from the form)."""
    appointment = _appointment(token)
    raw = request.POST.get("start", "")
    try:
        new_start = datetime.fromisoformat(raw)
    except ValueError:
        return _page(request, token, appointment, error=_("Please choose a new time."), status=422)
    try:
        services.reschedule_appointment(token, new_start)
    except services.SlotUnavailableError as exc:
        return _page(request, token, appointment, error=exc.message, status=409)
    except services.BookingValidationError as exc:
        return _page(request, token, appointment, error=exc.message, status=422)
    return redirect("clinic-manage", token=token)


@never_cache
@require_GET
def ics(request: HttpRequest, token: str) -> HttpResponse:
    """The appointment as an .ics calendar file (download)."""
    appointment = _appointment(token)
    body = build_ics(appointment, manage_link=services.manage_url(appointment))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
