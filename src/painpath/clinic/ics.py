"""iCalendar (.ics) files for appointments, built with the ``icalendar`` library (RFC 5545).

Times are written in UTC (``DTSTART:20260309T130000Z``), which every calendar app shows in the
reader's own zone. The UID is stable per appointment and SEQUENCE grows with each change, so a
rescheduled or cancelled visit replaces the event already in the calendar.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from painpath.clinic.formatting import format_local_datetime
from painpath.clinic.models import Appointment, AppointmentStatus

PRODID = "-//PainPath//Scheduling//EN"


def event_uid(appointment: Appointment) -> str:
    """The iCalendar UID of ``appointment``: its random id at the painpath domain."""
    return f"{appointment.id}@painpath"


def build_ics(
    appointment: Appointment, *, manage_link: str = "", now: datetime | None = None
) -> bytes:
    """A VCALENDAR with one VEVENT for ``appointment`` (bytes, CRLF lines, UTF-8).

    METHOD is PUBLISH for a booked visit and CANCEL (STATUS:CANCELLED) for a cancelled one.
    The description names the therapist, the local time in words (``clinic.formatting``), the
    clinic's phone and ``manage_link`` (the signed cancel/reschedule URL), never health data.
    """
    clinic = appointment.therapist.clinic
    therapist = appointment.therapist
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", event_uid(appointment))
    event.add("dtstamp", (now or timezone.now()).astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("sequence", appointment.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", f"{appointment.appointment_type.name} – {clinic.name}")
    event.add("location", vText(f"{clinic.name}, {' '.join(clinic.address.split())}"))
    names = {"type": appointment.appointment_type.name, "therapist": therapist}
    lines = [
        (
            _("Cancelled: %(type)s with %(therapist)s.")
            if cancelled
            else _("%(type)s with %(therapist)s.")
        )
        % names,
        # The clinic's wall-clock time in words, as in the emails (DTSTART is UTC).
        _("When: %(when)s") % {"when": format_local_datetime(appointment.start, clinic, now=now)},
        _("Clinic phone: %(phone)s") % {"phone": clinic.phone},
    ]
    if manage_link and not cancelled:
        lines.append(_("Cancel or reschedule: %(link)s") % {"link": manage_link})
    event.add("description", "\n".join(lines))
    if manage_link:
        event.add("url", manage_link)
    cal.add_component(event)
    return cal.to_ical()
