"""Care-plan pages behind the private link: the plan with progress plots, its PDF handout and
the check-in form. Thin: each view finds the intake for the token (404 otherwise), calls one
service and renders. Pages are ``never_cache``; nothing health-related goes into a URL."""

from __future__ import annotations

import base64
import dataclasses
import functools
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from painpath.careplan.library import load_library
from painpath.careplan.plan import Plan, assessment_from_dict, build_plan
from painpath.careplan.plots import ProgressRow, adherence_svg, pain_function_svg, progress_rows
from painpath.checkins import services
from painpath.checkins.forms import CheckInForm
from painpath.checkins.models import CheckIn
from painpath.checkins.templatetags.checkins_tags import EscalationView, escalation_view
from painpath.engine.assessment import TRIAGE_ADVICE, Triage, TriageLevel, urgency_rank
from painpath.patients import services as patient_services
from painpath.patients.models import IntakeRecord
from painpath.patients.results import emergency_number, tel_href
from painpath.patients.tokens import new_secret
from painpath.web.ratelimit import over_budget

#: Check-in POSTs per client address: a person checks in a few times a week, so 30 an hour is
#: generous and still slows a script. ``PAINPATH_CHECKIN_RATE`` overrides it.
DEFAULT_CHECKIN_RATE = "30/h"

#: Session key: the answers a check-in could not store because a warning sign was saved
#: without them (shown once on the plan page, after the advice).
UNSAVED_SESSION_KEY = "painpath.checkins.unsaved"

#: Session key: the person opened the check-in while a doctor must see them first.
NO_CHECKIN_SESSION_KEY = "painpath.checkins.no_checkin"


def _rate_limited(request: HttpRequest) -> bool:
    return over_budget(
        request,
        group="painpath.checkins.checkin",
        setting="PAINPATH_CHECKIN_RATE",
        default=DEFAULT_CHECKIN_RATE,
    )


def _record(token: str) -> IntakeRecord:
    # The one question every view here asks: which intake does this private link open?
    try:
        return patient_services.record_for_token(token)
    except patient_services.RecordNotFound:
        raise Http404("no such plan") from None


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@functools.cache
def _drawing_uri(filename: str) -> str:
    path = load_library().data_dir / "drawings" / filename
    return _data_uri(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=256)
def _charts(rows: tuple[ProgressRow, ...]) -> tuple[str, str | None]:
    # Charts depend only on the rows, so identical data reuses the drawn SVG.
    pain = _data_uri(pain_function_svg(rows))
    shown = [r for r in rows if r.sessions_planned is not None]
    return pain, (_data_uri(adherence_svg(rows)) if shown else None)


def seek_care_view(plan: Plan, record: IntakeRecord, escalation: EscalationView | None) -> Plan:
    """``plan`` as the person must see it now (the stored version is not changed).

    When a check-in or the clinic's review has raised the advice above the plan's own level to
    urgent or emergency, the page and the handout show the plan the builder makes at that level
    (no exercises, the advice to get checked first, the warning signs), as after a check-in's
    warning sign, with the plan's history kept. The therapist's earlier note and changes belong
    to the paused self-care plan and are not shown under "see a doctor". Otherwise ``plan``.
    """
    if escalation is None or escalation.level not in ("emergency", "urgent"):
        return plan
    level = cast(TriageLevel, escalation.level)
    if urgency_rank(level) >= urgency_rank(plan.triage_level):
        return plan  # the plan itself already is (at least) this urgent
    assessment = assessment_from_dict(record.assessment, plan.answers)
    assessment = dataclasses.replace(
        assessment, triage=Triage(level=level, reasons=tuple(str(r) for r in escalation.reasons))
    )
    seek = build_plan(assessment)
    if escalation.source == "review":
        # The builder's note speaks of "your answers"; here it was the clinic's review.
        note = _("No exercises for now: your clinic's review advises a doctor's check first.")
        seek = dataclasses.replace(seek, exercise_note=f"{note} {TRIAGE_ADVICE[level]}")
    return dataclasses.replace(seek, history=plan.history)


def _local_day(at: str | None, zone: str) -> str:
    """An ISO 8601 timestamp as the day patients read everywhere (clinic's zone, the clinic
    app's format: "Tuesday, March 3"); "" when missing or unreadable."""
    from datetime import datetime

    from painpath.clinic.formatting import format_local_date

    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:  # stored check-in times are UTC
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return format_local_date(moment, zone)


@never_cache
@require_GET
def plan(request: HttpRequest, token: str) -> HttpResponse:
    """The current plan, what changed at the last check-in, progress plots and history."""
    record = _record(token)
    version = services.current_plan(record)
    current = Plan.from_dict(version.plan)
    checkins = list(CheckIn.objects.filter(record=record).order_by("created_at", "id"))
    intake_pain = record.answers.get("pain_now")
    zone = services.patient_time_zone()
    rows = progress_rows(
        [c.to_core(zone) for c in checkins],
        intake_pain if isinstance(intake_pain, int) else None,
        label=functools.partial(_local_day, zone=zone),
    )
    pain_chart, adherence_chart = _charts(tuple(rows)) if checkins else (None, None)
    latest = current.history[-1] if current.history else None
    # A warning sign at a check-in or the clinic's review: the banner replaces the triage box.
    escalation = escalation_view(record)
    shown = seek_care_view(current, record, escalation)
    if shown is not current:
        # A review raised the advice without a new plan version: what changed last (a
        # therapist's doses, a check-in's step) was about the paused exercises.
        current, latest = shown, None
    see_doctor = current.triage_level in ("emergency", "urgent")
    exercises = [
        (item, _drawing_uri(item.drawing) if item.drawing else None) for item in current.exercises
    ]
    context: dict[str, Any] = {
        "plan": current,
        "escalation": escalation,
        # Emergency/urgent: the page is about getting checked, not a self-care plan, and
        # offers no check-in about exercises (README, "Care plans").
        "see_doctor": see_doctor,
        "offer_checkin": bool(current.exercises) and not see_doctor,
        "version": version,
        "exercises": exercises,
        "latest": latest if latest is not None and latest.action != "start" else None,
        # The therapist's latest change: the day in the clinic's zone, like every other date.
        "therapist_day": _local_day(current.therapist_updated_at, zone),
        "history": [(d, _local_day(d.at, zone)) for d in reversed(current.history)],
        "rows": rows,
        "pain_chart": pain_chart,
        "adherence_chart": adherence_chart,
        # The same call button as the result page (PAINPATH_EMERGENCY_NUMBER, tel: link).
        "call_number": emergency_number(),
        "call_href": tel_href(emergency_number()),
        "unsaved": request.session.pop(UNSAVED_SESSION_KEY, None) or [],
        "no_checkin_notice": bool(request.session.pop(NO_CHECKIN_SESSION_KEY, False)),
        "checkin_url": reverse("checkins:checkin", args=[token]),
        "pdf_url": reverse("checkins:plan_pdf", args=[token]),
        "result_url": reverse("patients:result", args=[token]),
    }
    return render(request, "checkins/plan.html", context)


def _checkins_offered(record: IntakeRecord) -> bool:
    level = Plan.from_dict(services.current_plan(record).plan).triage_level
    return level not in ("emergency", "urgent") and services.current_triage(record)[0] not in (
        "emergency",
        "urgent",
    )


@never_cache
@require_GET
def plan_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The printable handout of the current plan (PDF download)."""
    from painpath.careplan.pdf import render_pdf

    record = _record(token)
    current = Plan.from_dict(services.current_plan(record).plan)
    current = seek_care_view(current, record, escalation_view(record))
    zone = services.patient_time_zone()
    pdf = render_pdf(
        current,
        clinic=services.clinic_contact(),
        # The clinic's day, as on the page (a server in UTC would print tomorrow's date at night).
        today=timezone.now().astimezone(ZoneInfo(zone)).date(),
        day_label=functools.partial(_local_day, zone=zone),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="painpath-plan.pdf"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The check-in form; a valid POST stores it, updates the plan and shows the plan."""
    record = _record(token)
    days = services.period_days(record)
    if request.method == "GET" and not _checkins_offered(record):
        # Emergency/urgent: a check-in about exercises is not the next step; seeing a doctor
        # is. A form opened earlier can still be sent (POST): nothing typed is lost.
        # Shown on the plan page AFTER the advice (a flash message would sit above it).
        request.session[NO_CHECKIN_SESSION_KEY] = True
        return redirect("checkins:plan", token=token)
    if request.method == "POST":
        form = CheckInForm(request.POST, period_days=days)
        if _rate_limited(request):
            # Shown with the answers still in the form: nothing typed is lost.
            form.is_valid()
            form.add_error(None, _("Too many check-ins from this device. Please try again later."))
            return render(
                request,
                "checkins/checkin.html",
                {"form": form, "plan_url": reverse("checkins:plan", args=[token]), "days": days},
                status=429,
            )
        valid = form.is_valid()
        # A ticked warning sign is ALWAYS stored and escalated, whatever else is wrong with
        # the form: the valid answers are kept, the others stored as unknown (None).
        partial = not valid and bool(form.reported_warning_signs())
        if valid or partial:
            key = form.cleaned_data.get("submission_key") or new_secret()
            try:
                result = services.submit_checkin(
                    record, form.values() if valid else form.partial_values(), key
                )
            except services.CheckInRejected as exc:
                form.add_error(None, str(exc))
            else:
                if partial:
                    # Shown on the plan page after the advice (question labels and error
                    # texts only: no answers).
                    request.session[UNSAVED_SESSION_KEY] = [str(e) for e in form.unsaved_answers()]
                if result.version.action == "seek_care":
                    messages.error(
                        request,
                        _("You reported a warning sign. Please read the advice at the top now."),
                    )
                else:
                    messages.success(
                        request, _("Thank you. Your check-in is saved and your plan is updated.")
                    )
                return redirect(reverse("checkins:plan", args=[token]) + "#changes")
    else:
        last = CheckIn.objects.filter(record=record).order_by("-created_at", "-id").first()
        initial: dict[str, Any] = {"submission_key": new_secret()}
        # The PSFS asks about the same activities each time: offer last time's words again.
        for i, item in enumerate(last.psfs if last is not None else [], 1):
            initial[f"psfs_activity_{i}"] = item.get("activity", "")
        form = CheckInForm(initial=initial, period_days=days)
    return render(
        request,
        "checkins/checkin.html",
        {"form": form, "plan_url": reverse("checkins:plan", args=[token]), "days": days},
    )
