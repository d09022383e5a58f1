"""Who may see what on the staff side: the one place that decides.

Two roles, as Django groups with permissions (least privilege):

* ``Therapists``: view intakes and assessments, record reviews, change care plans, view the
  schedule.
* ``Front desk``: view the schedule only (names and times); no answers, no assessments.

Superusers hold every permission. ``is_staff`` alone (Django admin access) grants nothing here.
Patients have no accounts: their private links never open a staff page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from painpath.audit.services import log_access

THERAPISTS_GROUP = "Therapists"
FRONT_DESK_GROUP = "Front desk"

VIEW_INTAKES = "staff.view_patient_intakes"
REVIEW_INTAKES = "staff.review_patient_intakes"
VIEW_SCHEDULE = "staff.view_clinic_schedule"
EDIT_PLANS = "staff.change_patient_care_plans"

#: Role keys (command line) -> group names.
ROLES: dict[str, str] = {"therapist": THERAPISTS_GROUP, "front_desk": FRONT_DESK_GROUP}

#: Group name -> permission codenames (all in the ``staff`` app).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    THERAPISTS_GROUP: (
        "view_patient_intakes",
        "review_patient_intakes",
        "change_patient_care_plans",
        "view_clinic_schedule",
    ),
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


def set_staff_role(
    username: str,
    role: str,
    *,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> tuple[User, bool]:
    """Create or update the account ``username`` with exactly one staff ``role``
    (``"therapist"`` or ``"front_desk"``); returns ``(user, created)``.

    A new account needs ``password``; an existing one keeps its password when it is ``None``.
    Other staff groups are removed (one role per account: least privilege). Names and email
    are changed only when given. Raises ``ValueError`` naming the field (``username``,
    ``role``, ``password``).
    """
    username = username.strip()
    if not username:
        raise ValueError("username: give a user name")
    if role not in ROLES:
        raise ValueError(f"role: {role!r} is not one of {sorted(ROLES)}")
    ensure_staff_groups()
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        created = user is None
        if user is None:
            if not password:
                raise ValueError("password: a new account needs a password")
            user = User(username=username)
        if password:
            user.set_password(password)
        if email:
            user.email = email
        if first_name:
            user.first_name = first_name
        if last_name:
            user.last_name = last_name
        user.is_active = True
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=ROLE_PERMISSIONS))
        user.groups.add(Group.objects.get(name=ROLES[role]))
    return user, created


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
