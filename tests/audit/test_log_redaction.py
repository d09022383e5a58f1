"""Private links never reach the logs: Django's 4xx log lines have their token redacted."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from painpath.audit.logging import RedactPrivateLinks, redact

TOKEN = "Zx9_abcdefghijklmnopqrstuvwxyz0123456789-AB"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Not Found: /r/{TOKEN}/", "Not Found: /r/[private]/"),
        (f"Conflict: /r/{TOKEN}/book/details/", "Conflict: /r/[private]/book/details/"),
        ("Gone: /appointments/eyJhIjoi:1vP:sig/cancel", "Gone: /appointments/[private]/cancel"),
        ("Not Found: /staff/intakes/123/", "Not Found: /staff/intakes/123/"),
        ("Not Found: /conditions/sciatica/", "Not Found: /conditions/sciatica/"),
    ],
)
def test_redact_replaces_only_the_secret_segment(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_the_filter_rewrites_formatted_records_and_keeps_them() -> None:
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Not Found", f"/r/{TOKEN}/"),
        None,
    )
    assert RedactPrivateLinks().filter(record) is True
    assert record.getMessage() == "Not Found: /r/[private]/"


def test_the_configured_console_handler_redacts_a_real_404_line(db: None) -> None:
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactPrivateLinks) for f in h.filters)
    ]
    assert handlers, "settings.LOGGING must attach RedactPrivateLinks to the console handler"
    seen: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if handlers[0].filter(record):
                seen.append(record.getMessage())

    capture = Capture()
    logger = logging.getLogger("django.request")
    logger.addHandler(capture)
    try:
        assert Client().get(f"/r/{TOKEN}/book/").status_code == 404
    finally:
        logger.removeHandler(capture)
    assert seen
    assert all(TOKEN not in line for line in seen)
    assert any("/r/[private]/book/" in line for line in seen)
