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
from painpath.careplan.plan import Plan
from painpath.checkins.services import current_triage_detail
from painpath.checkins.templatetags.checkins_tags import current_level
from painpath.clinic.models import AppointmentStatus
from painpath.engine.assessment import TRIAGE_LEVELS
from painpath.patients.models import IntakeRecord, TriageLevel
from painpath.staff import services
from painpath.staff.access import (
    EDIT_PLANS,
    REVIEW_INTAKES,
    VIEW_INTAKES,
    VIEW_SCHEDULE,
    can_view_intakes,
    staff_required,
)
from painpath.staff.forms import DayForm, PlanEditForm, RebuildForm, ReviewForm
from painpath.web.ratelimit import over_budget

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
                # The serious causes a red flag named: what the patient's page lists first as
                # "needs to be ruled out", whatever the ranking's first cause is.
                "rule_out": _flagged_conditions(record.assessment),
                "latest_review": reviews[0] if reviews else None,
                "review_state": _review_state(record, reviews[0] if reviews else None),
                "booked": booked,
            }
        )
    context = {"page": page, "rows": rows, "tz_name": services.display_time_zone()}
    return render(request, "staff/intake_list.html", context)


def _flagged_conditions(assessment: dict[str, Any]) -> list[str]:
    """Names of the conditions the fired red flags point to first, in triage order, once each."""
    names = {c.get("id"): c.get("name", c.get("id")) for c in assessment.get("conditions", [])}
    flagged: list[str] = []
    for flag in assessment.get("triage", {}).get("red_flags", []):
        first = (flag.get("conditions") or [None])[0]
        name = names.get(first, first)
        if name and name not in flagged:
            flagged.append(str(name))
    return flagged


def _review_state(record: IntakeRecord, review: Any | None) -> str:
    """How the list's "Review" column reads the latest review: ``"none"``, ``"below"`` (its
    level is less urgent than a check-in escalation, which it does not lower: it must not read
    as confirming it), ``"confirmed"`` (the engine's level and leading condition) or
    ``"changed"``. ``record`` carries the ``with_current_urgency`` annotations."""
    if review is None:
        return "none"
    escalated = getattr(record, "escalated_urgency", None)
    if _below(review.triage_level, None if escalated is None else int(escalated)):
        return "below"
    return "confirmed" if review.agrees_with_engine else "changed"


def _below(level: str, escalated_rank: int | None) -> bool:
    """Whether a review ``level`` is less urgent than the check-in escalation's rank (0 =
    emergency .. 3; ``None`` = no escalation)."""
    return (
        escalated_rank is not None
        and level in TRIAGE_LEVELS
        and TRIAGE_LEVELS.index(level) > escalated_rank
    )


@require_http_methods(["GET", "POST"])
@staff_required(VIEW_INTAKES)
def intake_detail(request: HttpRequest, reference: uuid.UUID) -> HttpResponse:
    record = services.get_intake(request.user, request, reference)
    choices = services.condition_choices(record)
    form = None
    if request.method == "POST":
        if not request.user.has_perm(REVIEW_INTAKES):
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
    return _render_intake(request, record, review_form=form)


def _render_intake(
    request: HttpRequest,
    record: IntakeRecord,
    *,
    review_form: ReviewForm | None = None,
    plan_form: PlanEditForm | None = None,
    rebuild_form: RebuildForm | None = None,
    status: int | None = None,
    plan_conflict: bool = False,
) -> HttpResponse:
    """The intake page; bound forms with errors are shown as given (status 400), the others
    fresh for the current plan version."""
    user = request.user
    contact = services.intake_contact(user, request, record)
    choices = services.condition_choices(record)
    current = current_level(record)
    if review_form is None:
        initial = {
            # The level now (a check-in may have escalated it since the intake), so that
            # saving the form unchanged never records a lower level than the person's.
            "triage_level": current["level"],
            "leading_condition": services.engine_leading_condition(record),
        }
        review_form = ReviewForm(initial=initial, condition_choices=choices)
    care = services.care_plan(user, request, record)
    may_edit_plan = user.has_perm(EDIT_PLANS)
    fresh = {"base_version": care.version.number}
    if may_edit_plan and plan_form is None:
        plan_form = PlanEditForm(initial=fresh, plan=care.plan, triage_level=care.triage_level)
    if may_edit_plan and rebuild_form is None:
        rebuild_form = RebuildForm(initial=fresh)
    names = dict(choices)
    escalation = current_triage_detail(record, with_review=False)
    escalated_rank = TRIAGE_LEVELS.index(escalation.level) if escalation.since is not None else None
    reviews = [
        {
            "review": r,
            "level_name": _LEVEL_NAMES.get(r.triage_level, r.triage_level),
            "condition_name": names.get(r.leading_condition, r.leading_condition),
            # Below a check-in escalation: it does not lower it, so it must not read as
            # "confirms the engine" next to an emergency.
            "below_escalation": _below(r.triage_level, escalated_rank),
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
        "form": review_form,
        "current": current,
        "may_review": user.has_perm(REVIEW_INTAKES),
        "care": care,
        "care_level_name": _LEVEL_NAMES.get(care.triage_level, care.triage_level),
        "may_edit_plan": may_edit_plan,
        "plan_form": plan_form,
        "rebuild_form": rebuild_form,
        "plan_conflict": plan_conflict,
        "tz_name": services.display_time_zone(),
    }
    if status is None:
        bound = [f for f in (review_form, plan_form, rebuild_form) if f is not None and f.is_bound]
        status = 400 if any(f.errors for f in bound) else 200
    return render(request, "staff/intake_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required(EDIT_PLANS)
def plan_edit(request: HttpRequest, reference: uuid.UUID) -> HttpResponse:
    """Save a therapist's change of the care plan (``kind``: ``edit`` or ``rebuild``) as a new
    plan version. Form errors: 400 with the page; a newer version saved meanwhile: 409 with
    the current plan and the therapist's note kept in the form. GET (a reload after an
    error) shows the intake page."""
    from painpath.careplan.edit import PlanEditError
    from painpath.checkins.services import PlanChangedMeanwhile, current_plan

    record = services.get_intake(request.user, request, reference)
    if request.method == "GET":
        return _render_intake(request, record)
    assert isinstance(request.user, User)
    current = current_plan(record)
    rebuild = request.POST.get("kind") == "rebuild"
    note = request.POST.get("note", "")
    try:
        base = int(request.POST.get("base_version", ""))
    except ValueError:
        base = current.number  # the form reports the missing field
    if base != current.number:
        # Checked first: the form is built for the current version, not the one the
        # therapist changed. The store checks again under the lock.
        services.log_plan_conflict(request.user, request, record, base, current.number)
        return _plan_conflict(request, record, note=note, rebuild=rebuild)
    level = services.current_triage_level(record)
    plan = Plan.from_dict(current.plan)
    form: PlanEditForm | RebuildForm
    if rebuild:
        form = RebuildForm(request.POST)
    else:
        form = PlanEditForm(request.POST, plan=plan, triage_level=level)
    if form.is_valid():
        base = form.cleaned_data["base_version"]
        try:
            if isinstance(form, RebuildForm):
                services.rebuild_care_plan(
                    request.user, request, record, note=form.cleaned_data["note"], base_number=base
                )
            else:
                edit = form.edit()
                services.edit_care_plan(request.user, request, record, edit, base_number=base)
        except PlanChangedMeanwhile:
            return _plan_conflict(request, record, note=note, rebuild=rebuild)
        except PlanEditError as exc:
            if isinstance(form, PlanEditForm):
                form.add_problems(exc.problems)
            else:
                for problem in exc.problems:
                    form.add_error("note" if problem.field == "note" else None, problem.message)
        except ValueError:  # a rebuild without a review (the page offers none then)
            form.add_error(
                None,
                _(
                    "There is no review yet: record a review with the leading condition "
                    "first; the plan can then be rebuilt for it."
                ),
            )
        else:
            messages.success(request, _("The new plan version is saved. The patient sees it now."))
            return redirect(reverse("staff:intake", args=[record.reference]) + "#care-plan")
    if isinstance(form, RebuildForm):
        return _render_intake(request, record, rebuild_form=form)
    return _render_intake(request, record, plan_form=form)


def _plan_conflict(
    request: HttpRequest, record: IntakeRecord, *, note: str, rebuild: bool
) -> HttpResponse:
    # The page shows the version now in force; the therapist's note is kept in the fresh
    # form so nothing typed is lost, and nothing was stored over the other change.
    from painpath.checkins.services import current_plan

    messages.warning(
        request,
        _(
            "The plan was changed meanwhile (by a check-in or a colleague); here is the "
            "current one. Your change was not saved: check it against this version and save "
            "again."
        ),
    )
    version = current_plan(record)
    initial = {"base_version": version.number, "note": note}
    if rebuild:
        form = RebuildForm(initial=initial)
        return _render_intake(request, record, rebuild_form=form, status=409, plan_conflict=True)
    level = services.current_triage_level(record)
    fresh = PlanEditForm(initial=initial, plan=Plan.from_dict(version.plan), triage_level=level)
    return _render_intake(request, record, plan_form=fresh, status=409, plan_conflict=True)


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
        by_ip = over_budget(
            request,
            group="painpath.staff.login.ip",
            setting="PAINPATH_LOGIN_RATE_IP",
            default=DEFAULT_LOGIN_RATE_IP,
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
