"""Browser-test harness: a live PainPath server, Debian's Chromium driven by Playwright, axe-core.

Fixtures:

* ``live_url``: the base URL of pytest-django's live server (a real HTTP server on 127.0.0.1,
  serving the test database).
* ``browser`` (session): headless Chromium from ``/usr/bin/chromium`` (Playwright's own browser
  downloads are not used).
* ``page``: a fresh browser context at phone size (390 x 844 CSS px, the viewport of a
  current mid-size phone) per test.
* ``axe_check(page, name)``: runs axe-core (pinned in ``package.json``; ``scripts/test`` runs
  ``npm ci`` here) on the current page and fails on any serious or critical violation.
* ``screenshot(page, name)``: a full-page PNG under ``test-artifacts/`` (git-ignored).

Without ``/usr/bin/chromium`` or axe-core the browser tests are skipped, unless
``PAINPATH_REQUIRE_BROWSER=1`` (as in ``.ci/run``), where they fail instead.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE.parent.parent / "test-artifacts"
#: Flags for a headless Chromium in a container: no sandbox (no user namespaces there), no
#: GPU, and nothing that phones home (QUIC, sync, component updates, background networking).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
#: axe impact levels that fail a test (issue 4: zero serious or critical violations).
FAILING_IMPACTS = frozenset({"serious", "critical"})


def _missing() -> str:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not AXE_JS.exists():
        return f"{AXE_JS} is missing (cd tests/browser && npm ci)"
    return ""


@pytest.fixture(scope="session")
def _require_browser() -> None:
    reason = _missing()
    if reason and os.environ.get("PAINPATH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(_require_browser: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django would then refuse ORM
    # calls from the test body (SynchronousOnlyOperation) although nothing here is async.
    # Set only while the browser runs, so the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_url(live_server: Any, settings: Any) -> str:
    # All browser tests post from 127.0.0.1: lift the per-address booking budget.
    settings.PAINPATH_BOOKING_RATE = "100000/m"
    return str(live_server.url)


@pytest.fixture
def page(browser: Any, live_url: str) -> Iterator[Any]:
    context = browser.new_context(
        viewport=PHONE_VIEWPORT,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        timezone_id="America/New_York",
        base_url=live_url,
    )
    # Nothing but the live server: a request anywhere else is a bug (no third parties).
    context.route(re.compile(r"^(?!" + re.escape(live_url) + ").*"), lambda route: route.abort())
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    def take(pg: Any, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{_safe_name(name)}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take


def run_axe(pg: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the current page (all impacts), as plain dicts.

    The script is evaluated through the DevTools protocol, which the page's Content Security
    Policy does not govern, so PainPath's strict CSP stays on during the check.
    """
    if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
        pg.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = pg.evaluate(
        """async () => {
            const r = await window.axe.run(document, {
              resultTypes: ['violations'],
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                              'best-practice']},
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return list(result)


@pytest.fixture
def axe_check(screenshot: Callable[[Any, str], Path]) -> Callable[..., list[dict[str, Any]]]:
    """``axe_check(page, name="")``: assert no serious/critical axe violation; returns the
    minor and moderate ones (for information)."""

    def check(pg: Any, name: str = "") -> list[dict[str, Any]]:
        violations = run_axe(pg)
        bad = [v for v in violations if v.get("impact") in FAILING_IMPACTS]
        if bad:
            screenshot(pg, f"axe-{name or 'page'}")
        assert not bad, f"axe violations on {pg.url}:\n{json.dumps(bad, indent=2)}"
        return violations

    return check


@pytest.fixture
def make_record(transactional_db: None) -> Callable[[], str]:
    """``make_record()`` -> the private token of a new routine intake (``ROUTINE_ANSWERS``
    assessed by the real engine and stored by the web app's own ``submit_answers``)."""
    import secrets

    from painpath.patients.services import submit_answers

    from .journey import ROUTINE_ANSWERS

    def make() -> str:
        return submit_answers(ROUTINE_ANSWERS, secrets.token_urlsafe(32)).token

    return make
