"""How appointment dates and times read to patients: one helper used by the emails, the .ics
descriptions and the appointment pages, so a visit reads the same everywhere.

English example: ``format_local_datetime(start, clinic)`` ->
``"Tuesday, December 1 at 9:00 AM (Eastern Time)"``.

* Times are shown in the clinic's zone (``Clinic.time_zone``), never the reader's or UTC.
* The zone is named as people say it ("Eastern Time"), not as an IANA id
  ("America/New_York"); the generic name holds on both sides of a daylight-saving change.
  Zones not in ``ZONE_NAMES`` fall back to the abbreviation in force at that instant ("CET",
  "AEDT"), or to ``UTC+03`` where the zone database has no letters.
* The year is added only when the visit is not in the current year, so a date in January read
  in December is not mistaken for last January.
* Date and time patterns are Django date-format strings marked for translation (context
  "appointment date"/"appointment time"), so a locale can use its own order and the 24-hour
  clock; month and day names come from Django's translations.

Template use: ``{% load clinic_time %}`` then ``{{ dt|local_datetime:clinic }}``,
``{{ dt|local_date:clinic }}``, ``{{ dt|local_time:clinic }}``, ``{{ clinic|zone_name }}``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext


class HasTimeZone(Protocol):
    """Anything with an IANA ``time_zone`` string, such as ``clinic.models.Clinic``."""

    time_zone: str


_EASTERN = gettext_lazy("Eastern Time")
_CENTRAL = gettext_lazy("Central Time")
_MOUNTAIN = gettext_lazy("Mountain Time")
_PACIFIC = gettext_lazy("Pacific Time")
_ATLANTIC = gettext_lazy("Atlantic Time")
_CET = gettext_lazy("Central European Time")
_UK = gettext_lazy("UK time")

#: Common IANA zones -> the name people use for them (generic, valid in summer and winter).
ZONE_NAMES: dict[str, Promise] = {
    "America/New_York": _EASTERN,
    "America/Detroit": _EASTERN,
    "America/Toronto": _EASTERN,
    "America/Indiana/Indianapolis": _EASTERN,
    "America/Kentucky/Louisville": _EASTERN,
    "US/Eastern": _EASTERN,
    "America/Chicago": _CENTRAL,
    "America/Winnipeg": _CENTRAL,
    "US/Central": _CENTRAL,
    "America/Denver": _MOUNTAIN,
    "America/Boise": _MOUNTAIN,
    "America/Edmonton": _MOUNTAIN,
    "US/Mountain": _MOUNTAIN,
    # Arizona keeps standard time all year, which people call out by name.
    "America/Phoenix": gettext_lazy("Mountain Time (Arizona)"),
    "America/Los_Angeles": _PACIFIC,
    "America/Vancouver": _PACIFIC,
    "US/Pacific": _PACIFIC,
    "America/Anchorage": gettext_lazy("Alaska Time"),
    "Pacific/Honolulu": gettext_lazy("Hawaii Time"),
    "America/Halifax": _ATLANTIC,
    "America/Puerto_Rico": _ATLANTIC,
    "America/St_Johns": gettext_lazy("Newfoundland Time"),
    "Europe/London": _UK,
    "Europe/Dublin": gettext_lazy("Irish time"),
    "Europe/Berlin": _CET,
    "Europe/Paris": _CET,
    "Europe/Madrid": _CET,
    "Europe/Rome": _CET,
    "Europe/Amsterdam": _CET,
    "Europe/Brussels": _CET,
    "Europe/Vienna": _CET,
    "Europe/Zurich": _CET,
    "UTC": gettext_lazy("UTC"),
    "Etc/UTC": gettext_lazy("UTC"),
}

_NUMERIC_ABBREVIATION = re.compile(r"^[+-]\d{2}(\d{2})?$")


def _zone_id(zone: HasTimeZone | str) -> str:
    return zone if isinstance(zone, str) else zone.time_zone


def friendly_zone_name(zone: HasTimeZone | str, dt: datetime | None = None) -> str:
    """The clinic's time zone as patients say it: ``"Eastern Time"`` for America/New_York.

    ``zone``: a clinic (anything with ``time_zone``) or an IANA zone id. ``dt`` (aware; default
    now) picks the abbreviation for zones without a name in ``ZONE_NAMES`` (``"CET"`` in winter,
    ``"CEST"`` in summer; ``"UTC+03"`` for numeric ones). Raises
    ``zoneinfo.ZoneInfoNotFoundError`` for an unknown zone id.
    """
    zone_id = _zone_id(zone)
    known = ZONE_NAMES.get(zone_id)
    if known is not None:
        return str(known)
    moment = (dt or timezone.now()).astimezone(ZoneInfo(zone_id))
    abbreviation = moment.tzname() or zone_id
    if _NUMERIC_ABBREVIATION.match(abbreviation):
        return f"UTC{abbreviation}"
    return abbreviation


def _local(dt: datetime, zone: HasTimeZone | str) -> datetime:
    if timezone.is_naive(dt):
        raise ValueError("dt must be timezone-aware")
    return dt.astimezone(ZoneInfo(_zone_id(zone)))


def format_local_date(dt: datetime, zone: HasTimeZone | str, *, now: datetime | None = None) -> str:
    """The day of the aware ``dt`` in the clinic's zone: ``"Tuesday, December 1"``, with the
    year (``"Friday, January 1, 2027"``) when it is not the current year at ``now`` (default:
    now). Raises ``ValueError`` for a naive ``dt``."""
    local = _local(dt, zone)
    this_year = _local(now or timezone.now(), zone).year
    if local.year == this_year:
        pattern = pgettext("appointment date", "l, F j")
    else:
        pattern = pgettext("appointment date with year", "l, F j, Y")
    return date_format(local, pattern)


def format_local_time(dt: datetime, zone: HasTimeZone | str) -> str:
    """The wall-clock time of the aware ``dt`` in the clinic's zone: ``"9:00 AM"`` (English;
    a translation may choose ``"H:i"``). Raises ``ValueError`` for a naive ``dt``."""
    return date_format(_local(dt, zone), pgettext("appointment time", "g:i A"))


def format_local_datetime(
    dt: datetime,
    zone: HasTimeZone | str,
    *,
    with_zone: bool = True,
    now: datetime | None = None,
) -> str:
    """Day, time and zone of the aware ``dt`` in the clinic's zone:
    ``"Tuesday, December 1 at 9:00 AM (Eastern Time)"``; without the ``" (...)"`` part when
    ``with_zone`` is False (a page that names the zone once). ``now`` decides whether the year
    is shown (see ``format_local_date``). Raises ``ValueError`` for a naive ``dt``."""
    text = _("%(date)s at %(time)s") % {
        "date": format_local_date(dt, zone, now=now),
        "time": format_local_time(dt, zone),
    }
    if with_zone:
        text = f"{text} ({friendly_zone_name(zone, dt)})"
    return text


def format_local_range(
    start: datetime, end: datetime, zone: HasTimeZone | str, *, now: datetime | None = None
) -> str:
    """A visit on one day: ``"Tuesday, December 1, 9:00 AM to 10:00 AM (Eastern Time)"``."""
    return _("%(date)s, %(start)s to %(end)s (%(zone)s)") % {
        "date": format_local_date(start, zone, now=now),
        "start": format_local_time(start, zone),
        "end": format_local_time(end, zone),
        "zone": friendly_zone_name(zone, start),
    }


def tel_href(number: str) -> str:
    """The ``tel:`` link for a phone number as people write it: digits and a leading ``+``
    only ("+1 555 0100" -> ``"tel:+15550100"``, "(555) 010-0100" -> ``"tel:5550100100"``).

    Spaces, dashes, dots and brackets break the link on some phones (RFC 3966 allows only
    visual separators it defines, and dialers differ), so they are dropped. An empty or
    digit-less number gives ``""`` (no link).
    """
    digits = re.sub(r"[^0-9]", "", number)
    if not digits:
        return ""
    plus = "+" if number.strip().startswith("+") else ""
    return f"tel:{plus}{digits}"
