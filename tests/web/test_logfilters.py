"""Expected refusals are logged without a traceback; server errors keep theirs."""

from __future__ import annotations

import logging
import sys

from painpath.web.logfilters import NoTracebackForClientErrors


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", (), exc_info)
    record.status_code = status
    return record


def test_a_403_keeps_its_line_but_loses_the_traceback() -> None:
    record = _record(403)
    assert NoTracebackForClientErrors().filter(record) is True
    assert record.exc_info is None


def test_a_500_keeps_its_traceback() -> None:
    record = _record(500)
    assert NoTracebackForClientErrors().filter(record) is True
    assert record.exc_info is not None
