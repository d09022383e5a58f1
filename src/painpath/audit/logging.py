"""A logging filter that keeps private links out of log files.

Django logs every 4xx/5xx response with its path (``"Not Found: /r/<token>/"``), and a private
link's path *is* the key to a person's result or appointment. ``RedactPrivateLinks`` replaces
the secret part of such paths before any handler writes the record:

* ``/r/<token>...`` (an intake's private result and booking pages) -> ``/r/[private]...``
* ``/appointments/<token>...`` (signed cancel/reschedule links) -> ``/appointments/[private]...``
* ``/api/v1/bookings/<token>...`` (the same signed token in the scheduling API) ->
  ``/api/v1/bookings/[private]...``

It is attached to the console handler in ``painpath.web.settings.LOGGING``.
"""

from __future__ import annotations

import logging
import re

_PRIVATE_PATH = re.compile(r"(/(?:r|appointments|api/v1/bookings)/)[^/\s?#\"']+")
REPLACEMENT = r"\1[private]"


def redact(text: str) -> str:
    """``text`` with the secret segment of every private-link path replaced."""
    return _PRIVATE_PATH.sub(REPLACEMENT, text)


class RedactPrivateLinks(logging.Filter):
    """Rewrite a record's message so that it carries no private-link token (never drops it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
