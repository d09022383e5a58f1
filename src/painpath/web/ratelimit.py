"""Per-address budgets for anonymous writes (bookings, check-ins, API writes, sign-in attempts).

A thin layer over django-ratelimit (counts live in the project's cache, shared by every server
process): one place says what a "client" is, so every form counts the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def client_address(group: str, request: HttpRequest) -> str:
    """The client's address as the server saw it (``REMOTE_ADDR``). A server that gives none (a
    Unix socket) puts every such client in one shared bucket rather than failing."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def over_budget(request: HttpRequest, *, group: str, setting: str, default: str) -> bool:
    """Count ``request`` against ``group``'s budget for its client address and say whether it is
    over. The rate (django-ratelimit syntax, e.g. ``"20/h"``) is ``settings.<setting>`` when
    set, else ``default``."""
    return bool(
        is_ratelimited(
            request,
            group=group,
            key=client_address,
            rate=getattr(settings, setting, default),
            increment=True,
        )
    )
