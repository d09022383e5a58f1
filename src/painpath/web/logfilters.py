"""Logging filters for the web app."""

from __future__ import annotations

import logging


class NoTracebackForClientErrors(logging.Filter):
    """Keep 4xx log lines (a refused staff page, a wrong link) but drop their traceback.

    Django logs ``PermissionDenied`` with the exception attached; for an expected refusal a
    full traceback in the server log is noise. Server errors (5xx) keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
