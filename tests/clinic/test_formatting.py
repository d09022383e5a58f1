"""One way to write an appointment's date and time for patients (emails, .ics, pages)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from painpath.clinic.formatting import (
    format_local_date,
    format_local_datetime,
    format_local_range,
    format_local_time,
    friendly_zone_name,
)

from .conftest import local

NY = SimpleNamespace(time_zone="America/New_York")
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_a_morning_visit_reads_like_speech() -> None:
    start = local(date(2026, 12, 1), 9)
    assert format_local_datetime(start, NY, now=NOW) == (
        "Tuesday, December 1 at 9:00 AM (Eastern Time)"
    )


def test_afternoon_times_use_the_12_hour_clock() -> None:
    assert format_local_time(local(date(2026, 12, 1), 14, 30), NY) == "2:30 PM"
    assert format_local_time(local(date(2026, 12, 1), 12), NY) == "12:00 PM"


def test_times_are_shown_in_the_clinic_zone_whatever_the_input_zone() -> None:
    start_utc = datetime(2026, 12, 1, 14, tzinfo=UTC)  # 09:00 in New York (EST)
    assert format_local_datetime(start_utc, NY, now=NOW, with_zone=False) == (
        "Tuesday, December 1 at 9:00 AM"
    )


def test_the_year_appears_only_for_another_year() -> None:
    assert format_local_date(local(date(2027, 1, 5), 9), NY, now=NOW) == "Tuesday, January 5, 2027"
    assert format_local_date(local(date(2026, 12, 1), 9), NY, now=NOW) == "Tuesday, December 1"


def test_the_zone_name_is_the_same_in_summer_and_winter() -> None:
    summer = local(date(2026, 7, 1), 9)
    winter = local(date(2026, 1, 6), 9)
    assert friendly_zone_name(NY, summer) == friendly_zone_name(NY, winter) == "Eastern Time"
    assert friendly_zone_name("America/Los_Angeles") == "Pacific Time"
    assert friendly_zone_name("America/Phoenix") == "Mountain Time (Arizona)"


def test_unknown_zones_fall_back_to_the_abbreviation() -> None:
    winter = datetime(2026, 1, 6, 9, tzinfo=UTC)
    summer = datetime(2026, 7, 6, 9, tzinfo=UTC)
    assert friendly_zone_name("Europe/Helsinki", winter) == "EET"
    assert friendly_zone_name("Europe/Helsinki", summer) == "EEST"
    assert friendly_zone_name("Asia/Dubai", winter) == "UTC+04"


def test_a_range_on_one_day() -> None:
    start = local(date(2026, 12, 1), 9)
    end = local(date(2026, 12, 1), 10)
    assert format_local_range(start, end, NY, now=NOW) == (
        "Tuesday, December 1, 9:00 AM to 10:00 AM (Eastern Time)"
    )


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_local_datetime(datetime(2026, 12, 1, 9), NY)


def test_the_template_filters_match_the_helper() -> None:
    start = local(date(2026, 12, 1), 9)
    html = Template(
        "{% load clinic_time %}{{ s|local_datetime:c }}|{{ s|local_time:c }}|{{ c|zone_name }}"
    ).render(Context({"s": start, "c": NY}))
    assert html == f"{format_local_datetime(start, NY)}|9:00 AM|Eastern Time"


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("+1 555 0100", "tel:+15550100"),
        ("(555) 010-0100", "tel:5550100100"),
        (" +44 20 7946.0018 ", "tel:+442079460018"),
        ("911", "tel:911"),
        ("+1 555 0100 +2", "tel:+155501002"),
        ("", ""),
        ("none", ""),
    ],
)
def test_tel_links_keep_only_digits_and_a_leading_plus(written: str, href: str) -> None:
    from painpath.clinic.formatting import tel_href

    assert tel_href(written) == href
