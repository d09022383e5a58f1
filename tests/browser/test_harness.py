"""The harness itself: Chromium starts, pages come from the live server, axe-core runs and
catches a real violation (so a silent axe would not pass every page)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import FAILING_IMPACTS, run_axe

pytestmark = pytest.mark.browser


def test_axe_reports_a_serious_violation_on_a_broken_page(page: Any) -> None:
    # An image without alternative text and an unlabelled input: both serious or critical.
    page.set_content(
        "<!doctype html><html lang='en'><head><title>t</title></head><body><main>"
        "<h1>t</h1><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
        "<input type='text'></main></body></html>"
    )
    ids = {v["id"] for v in run_axe(page) if v["impact"] in FAILING_IMPACTS}
    assert {"image-alt", "label"} <= ids


def test_axe_passes_a_clean_page(page: Any, axe_check: Any) -> None:
    page.set_content(
        "<!doctype html><html lang='en'><head><title>t</title></head><body><main>"
        "<h1>Clean</h1><label for='x'>Name</label><input id='x' type='text'></main></body></html>"
    )
    axe_check(page, "clean")


def test_requests_to_other_hosts_are_blocked(page: Any, live_url: str) -> None:
    status = page.evaluate(
        "async () => { try { await fetch('http://blocked.invalid/x'); return 'sent'; }"
        " catch (e) { return 'blocked'; } }"
    )
    assert status == "blocked"
