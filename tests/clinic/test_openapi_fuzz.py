"""Schemathesis fuzzes every operation of /api/openapi.json: no input may cause a server error.

Kept small (a few dozen examples per operation) so the whole file runs in seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from painpath.clinic.demo import load_demo_clinic
from painpath.web.wsgi import application

# Reading the OpenAPI document needs no database, so it can happen at import.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def demo_clinic(db: None) -> Iterator[None]:
    load_demo_clinic(password="a-long-demo-password-1")
    # Like Django's test client: a real WSGI request would close the test's database
    # connection (and its transaction) when it starts and finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("demo_clinic")
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_request_makes_the_api_fail(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
