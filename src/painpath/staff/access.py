"""Who may see what on the staff side: the one place that decides.

Two roles, as Django groups with permissions (least privilege):

* ``Therapists``: view intakes and assessments, record reviews, view the schedule.
* ``Front desk``: view the schedule only (names and times); no answers, no assessments.

Superusers hold every permission. ``is_staff`` alone (Django admin access) grants nothing here.
Patients have no accounts: their private links never open a staff page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from painpath.audit.services import log_access

THERAPISTS_GROUP = "Therapists"
FRONT_DESK_GROUP = "Front desk"

VIEW_INTAKES = "staff.view_patient_intakes"
REVIEW_INTAKES = "staff.review_patient_intakes"
VIEW_SCHEDULE = "staff.view_clinic_schedule"

#: Group name -> permission codenames (all in the ``staff`` app).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    THERAPISTS_GROUP: ("view_patient_intakes", "review_patient_intakes", "view_clinic_schedule"),
    FRONT_DESK_GROUP: ("view_clinic_schedule",),
}


def ensure_staff_groups(sender: AppConfig | None = None, **kwargs: Any) -> None:
    """Create the two staff groups and give them exactly their permissions (idempotent).

    Connected to ``post_migrate``; also safe to call directly (``painpath demo`` may).
    Permissions outside ``ROLE_PERMISSIONS`` that someone added by hand are left alone.
    """
    using = kwargs.get("using", "default")
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        perms = Permission.objects.using(using).filter(
            content_type__app_label="staff", codename__in=codenames
        )
        group.permissions.add(*perms)


ViewFunc = Callable[..., HttpResponse]


def staff_required(permission: str) -> Callable[[ViewFunc], ViewFunc]:
    """Decorate a staff view: anonymous -> login page; signed in without ``permission`` -> 403.

    A refusal of a signed-in user is itself audited (action ``"staff.refused"``), since a
    colleague probing for records they should not see is what an audit log is for.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("staff:login"))
            if not user.is_active or not user.has_perm(permission):
                log_access(user, "staff.refused", None, request, detail={"permission": permission})
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def can_view_intakes(request: HttpRequest) -> bool:
    """Whether the signed-in user may open intakes (for links in templates)."""
    return request.user.is_authenticated and request.user.has_perm(VIEW_INTAKES)
