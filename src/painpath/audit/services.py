"""Writing the audit log. Views call :func:`log_access` for every staff access to patient data."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.http import HttpRequest

from painpath.audit.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address as text, or ``None`` when unknown or not a valid address.

    Only ``REMOTE_ADDR`` is read: ``X-Forwarded-For`` is set by the client and cannot be trusted
    unless a proxy that PainPath knows rewrites it, which a deployment would configure there.
    """
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def _object_ref(obj: models.Model | tuple[str, object] | None) -> tuple[str, str]:
    """``(object_type, object_id)`` for a model instance, an explicit pair, or ``None``."""
    if obj is None:
        return "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk)
    if isinstance(obj, tuple) and len(obj) == 2:
        return str(obj[0]), str(obj[1])
    raise TypeError(
        f"obj must be a model instance, an (object_type, object_id) pair or None, "
        f"not {type(obj).__name__}"
    )


def log_access(
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | tuple[str, object] | None,
    request: HttpRequest | None = None,
    *,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event and return it.

    ``user``: the staff user who looked (an anonymous user or ``None`` is recorded without a
    user); ``action``: a dotted verb such as ``"intake.view"``, at most 64 characters;
    ``obj``: the model instance accessed, an ``("app_label.model", id)`` pair, or ``None`` for
    a list; ``request``: read for the client IP; ``detail``: small non-clinical facts (ids,
    counts), never answers or assessments. Raises ``ValueError`` for an empty or too long action.
    """
    if not action or len(action) > 64:
        raise ValueError("action: give a non-empty name of at most 64 characters")
    object_type, object_id = _object_ref(obj)
    # PainPath uses Django's own User model (no AUTH_USER_MODEL swap).
    real_user = user if isinstance(user, User) else None
    return AuditEvent.objects.create(
        user=real_user,
        username=real_user.get_username() if real_user is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        ip_address=client_ip(request),
        detail=detail or {},
    )
