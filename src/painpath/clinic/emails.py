"""Emails about appointments (confirmation, reminder, cancellation) with an .ics attachment.

Sent with Django's email framework: files in the data folder by default, SMTP when
``PAINPATH_EMAIL_HOST`` is set (see ``painpath.web.settings``). Bodies are plain-text templates
in ``clinic/templates/clinic/email/``; subjects and bodies are translatable. They carry the
date, time, therapist, clinic and the signed private link (also in the cancellation, where it
offers times to book again), never health data.
"""

from __future__ import annotations

import logging
from uuid import UUID

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from painpath.clinic.formatting import format_local_datetime
from painpath.clinic.ics import build_ics
from painpath.clinic.models import Appointment

logger = logging.getLogger(__name__)

KINDS = ("confirmation", "reminder", "cancellation")


def _subject(kind: str, appointment: Appointment) -> str:
    clinic = appointment.therapist.clinic.name
    if kind == "confirmation":
        return _("Your appointment at %(clinic)s is booked") % {"clinic": clinic}
    if kind == "reminder":
        return _("Reminder: your appointment at %(clinic)s tomorrow") % {"clinic": clinic}
    return _("Your appointment at %(clinic)s is cancelled") % {"clinic": clinic}


def build_message(appointment: Appointment, kind: str) -> EmailMessage:
    """The email of ``kind`` (confirmation, reminder or cancellation) for ``appointment``,
    addressed to its patient, with ``appointment.ics`` attached. Raises ``ValueError`` for an
    unknown kind."""
    from painpath.clinic.services import manage_url

    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}; expected one of {KINDS}")
    clinic = appointment.therapist.clinic
    # After a cancellation the private link still works: it says the visit is cancelled and
    # offers free times to book again. The calendar file carries no link then.
    link = manage_url(appointment)
    context = {
        "appointment": appointment,
        "clinic": clinic,
        "therapist": appointment.therapist,
        "patient_name": appointment.patient.name,
        # "Tuesday, December 1 at 9:00 AM (Eastern Time)": the same wording as the pages.
        "when": format_local_datetime(appointment.start, clinic),
        "minutes": appointment.appointment_type.minutes,
        "manage_link": link,
    }
    body = render_to_string(f"clinic/email/{kind}.txt", context)
    message = EmailMessage(
        subject=_subject(kind, appointment),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.patient.email],
        reply_to=[clinic.email] if clinic.email else None,
    )
    ics = build_ics(appointment, manage_link=link if kind != "cancellation" else "")
    method = "CANCEL" if kind == "cancellation" else "PUBLISH"
    message.attach("appointment.ics", ics, f"text/calendar; charset=utf-8; method={method}")
    return message


def send_for(appointment_id: UUID, kind: str, *, raise_errors: bool = False) -> bool:
    """Send the ``kind`` email for the appointment with ``appointment_id``; True when sent.

    A confirmation also stamps ``confirmation_sent_at``. Failures are logged (id only, no
    personal data) and re-raised only with ``raise_errors``.
    """
    appointment = (
        Appointment.objects.select_related("therapist__clinic", "appointment_type", "patient")
        .filter(id=appointment_id)
        .first()
    )
    if appointment is None:
        return False
    try:
        build_message(appointment, kind).send(fail_silently=False)
    except Exception:
        logger.exception("could not send %s email for appointment %s", kind, appointment_id)
        if raise_errors:
            raise
        return False
    if kind == "confirmation":
        Appointment.objects.filter(id=appointment_id).update(confirmation_sent_at=timezone.now())
    return True
