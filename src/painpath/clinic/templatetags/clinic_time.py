"""Template filters over ``painpath.clinic.formatting`` so pages read dates like the emails.

``{% load clinic_time %}`` then, with ``clinic`` a Clinic (or an IANA zone id):

* ``{{ dt|local_datetime:clinic }}`` -> ``Tuesday, December 1 at 9:00 AM (Eastern Time)``
* ``{{ dt|local_datetime_no_zone:clinic }}`` -> ``Tuesday, December 1 at 9:00 AM``
* ``{{ dt|local_date:clinic }}`` -> ``Tuesday, December 1``
* ``{{ dt|local_time:clinic }}`` -> ``9:00 AM``
* ``{{ clinic|zone_name }}`` -> ``Eastern Time``
* ``{{ clinic.phone|tel_href }}`` -> ``tel:+15550100``
"""

from __future__ import annotations

from datetime import datetime

from django import template

from painpath.clinic import formatting

register = template.Library()


@register.filter
def local_datetime(value: datetime, zone: formatting.HasTimeZone | str) -> str:
    return formatting.format_local_datetime(value, zone)


@register.filter
def local_datetime_no_zone(value: datetime, zone: formatting.HasTimeZone | str) -> str:
    return formatting.format_local_datetime(value, zone, with_zone=False)


@register.filter
def local_date(value: datetime, zone: formatting.HasTimeZone | str) -> str:
    return formatting.format_local_date(value, zone)


@register.filter
def local_time(value: datetime, zone: formatting.HasTimeZone | str) -> str:
    return formatting.format_local_time(value, zone)


@register.filter
def zone_name(zone: formatting.HasTimeZone | str) -> str:
    return formatting.friendly_zone_name(zone)


@register.filter
def tel_href(number: str) -> str:
    """``{{ clinic.phone|tel_href }}`` -> ``tel:+15550100`` (see ``formatting.tel_href``)."""
    return formatting.tel_href(str(number or ""))
