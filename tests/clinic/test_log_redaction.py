"""The scheduling API's booking token never reaches the logs (Django logs 404/410 paths)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from painpath.audit.logging import RedactPrivateLinks, redact

TOKEN = "eyJhIjoiNTg4NGIwZTEtNWM1Yi00YmE2In0:1vx1wO:iqqlFQ8vzYN-Vw9Og_ab2Ei5iR2rWRYr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Not Found: /api/v1/bookings/{TOKEN}", "Not Found: /api/v1/bookings/[private]"),
        (f"Gone: /api/v1/bookings/{TOKEN}/cancel", "Gone: /api/v1/bookings/[private]/cancel"),
        (
            f"Not Found: /api/v1/bookings/{TOKEN}/reschedule",
            "Not Found: /api/v1/bookings/[private]/reschedule",
        ),
        ("Conflict: /api/v1/bookings", "Conflict: /api/v1/bookings"),
        ("Not Found: /api/v1/therapists", "Not Found: /api/v1/therapists"),
    ],
)
def test_api_booking_paths_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_real_api_404_is_logged_without_the_token(db: None) -> None:
    seen: list[str] = []
    redactor = RedactPrivateLinks()

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if redactor.filter(record):
                seen.append(record.getMessage())

    capture = Capture()
    logger = logging.getLogger("django.request")
    logger.addHandler(capture)
    try:
        response = Client().get(f"/api/v1/bookings/{TOKEN}")
    finally:
        logger.removeHandler(capture)
    assert response.status_code == 404
    assert seen, "Django should log the 404"
    assert all(TOKEN not in line for line in seen)
    assert any("/api/v1/bookings/[private]" in line for line in seen)
