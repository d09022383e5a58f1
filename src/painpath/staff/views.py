"""Staff views: thin; each calls one service (which writes the audit event) and renders."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from painpath.audit.services import log_access
from painpath.clinic.models import AppointmentStatus
from painpath.patients.models import TriageLevel
from painpath.staff import services
from painpath.staff.access import (
    REVIEW_INTAKES,
    VIEW_INTAKES,
    VIEW_SCHEDULE,
    can_view_intakes,
    staff_required,
)
from painpath.staff.forms import DayForm, ReviewForm

_LEVEL_NAMES = dict(TriageLevel.choices)


@require_http_methods(["GET"])
@staff_required(VIEW_SCHEDULE)
def home(request: HttpRequest) -> HttpResponse:
    """Therapists land on the intake list; the front desk on the day's appointments."""
    if can_view_intakes(request):
        return redirect("staff:intakes")
    return redirect("staff:schedule")


@require_http_methods(["GET"])
@staff_required(VIEW_INTAKES)
def intake_list(request: HttpRequest) -> HttpResponse:
    page = services.list_intakes(request.user, request, request.GET.get("page", 1))
    rows = []
    for record in page:
        reviews = list(record.reviews.all())
        booked = [a for a in record.appointments.all() if a.status == AppointmentStatus.BOOKED]
        rows.append(
            {
                "record": record,
                "level_name": _LEVEL_NAMES.get(record.triage_level, record.triage_level),
                "leading": (record.assessment.get("conditions") or [{}])[0].get("name", ""),
                "latest_review": reviews[0] if reviews else None,
                "booked": booked,
            }
        )
    context = {"page": page, "rows": rows, "tz_name": services.display_time_zone()}
    return render(request, "staff/intake_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required(VIEW_INTAKES)
def intake_detail(request: HttpRequest, reference: uuid.UUID) -> HttpResponse:
    record = services.get_intake(request.user, request, reference)
    contact = services.intake_contact(request.user, request, record)
    choices = services.condition_choices(record)
    initial = {
        "triage_level": record.triage_level,
        "leading_condition": services.engine_leading_condition(record),
    }
    form = ReviewForm(initial=initial, condition_choices=choices)
    may_review = request.user.has_perm(REVIEW_INTAKES)
    if request.method == "POST":
        if not may_review:
            refused = {"permission": REVIEW_INTAKES}
            log_access(request.user, "staff.refused", record, request, detail=refused)
            raise PermissionDenied
        form = ReviewForm(request.POST, condition_choices=choices)
        if form.is_valid():
            assert isinstance(request.user, User)
            services.record_review(
                request.user,
                request,
                record,
                triage_level=form.cleaned_data["triage_level"],
                leading_condition=form.cleaned_data["leading_condition"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Your review is saved."))
            return redirect(reverse("staff:intake", args=[record.reference]) + "#reviews")
    names = dict(choices)
    reviews = [
        {
            "review": r,
            "level_name": _LEVEL_NAMES.get(r.triage_level, r.triage_level),
            "condition_name": names.get(r.leading_condition, r.leading_condition),
        }
        for r in record.reviews.select_related("reviewer")
    ]
    context = {
        "record": record,
        "level_name": _LEVEL_NAMES.get(record.triage_level, record.triage_level),
        "answers": services.answer_rows(record),
        "assessment": record.assessment,
        "contact": contact,
        "appointments": contact.appointments,
        "reviews": reviews,
        "form": form,
        "may_review": may_review,
        "tz_name": services.display_time_zone(),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "staff/intake_detail.html", context, status=status)


@require_http_methods(["GET"])
@staff_required(VIEW_SCHEDULE)
def schedule(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.GET or None)
    schedules = services.day_schedules(request.user, request, form.day())
    shown = schedules[0].day if schedules else None
    context = {
        "form": form,
        "schedules": schedules,
        "show_intake_links": can_view_intakes(request),
        "previous_day": shown - dt.timedelta(days=1) if shown else None,
        "next_day": shown + dt.timedelta(days=1) if shown else None,
    }
    return render(request, "staff/schedule.html", context)


#: Sign-in attempts (POSTs) per client address per minute, and per user name per hour: enough
#: for typos, far too few for guessing passwords (20 guesses an hour against one account).
#: ``PAINPATH_LOGIN_RATE_IP`` / ``PAINPATH_LOGIN_RATE_USER`` override them.
DEFAULT_LOGIN_RATE_IP = "10/m"
DEFAULT_LOGIN_RATE_USER = "20/h"


class StaffLoginView(LoginView):
    """Django's sign-in, with attempts limited per address and per user name (429 when over)."""

    template_name = "staff/login.html"
    redirect_authenticated_user = True
    next_page = "staff:home"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        by_ip = is_ratelimited(
            request,
            group="painpath.staff.login.ip",
            key=lambda _g, req: str(req.META.get("REMOTE_ADDR") or "unknown"),
            rate=getattr(settings, "PAINPATH_LOGIN_RATE_IP", DEFAULT_LOGIN_RATE_IP),
            increment=True,
        )
        by_user = is_ratelimited(
            request,
            group="painpath.staff.login.user",
            key=lambda _g, req: str(req.POST.get("username", "")).strip().lower(),
            rate=getattr(settings, "PAINPATH_LOGIN_RATE_USER", DEFAULT_LOGIN_RATE_USER),
            increment=True,
        )
        if by_ip or by_user:
            # An unbound form: validating the posted one would check the password anyway.
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username", "")}
            )
            message = _("Too many sign-in attempts. Please wait a while before trying again.")
            context = self.get_context_data(form=form, limited_message=message)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)
