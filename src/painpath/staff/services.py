"""Staff operations as plain functions; the views only call these and render.

Every function that returns patient data takes the acting ``user`` and the ``request`` and writes
the audit event itself, so a view cannot forget to.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from painpath.audit.services import log_access
from painpath.careplan.edit import PlanEdit, apply_edit, therapist_rebuild
from painpath.careplan.plan import Decision, Plan, assessment_from_dict, build_plan
from painpath.checkins.models import THERAPIST_EDIT, PlanVersion
from painpath.clinic.formatting import tel_href
from painpath.clinic.models import Appointment, Clinic
from painpath.engine.assessment import RankedCondition, Triage, urgency_rank
from painpath.engine.assessment import TriageLevel as CoreTriageLevel
from painpath.engine.knowledge import load_knowledge
from painpath.engine.questionnaire import load_questionnaire
from painpath.patients.models import IntakeRecord, TriageLevel
from painpath.patients.services import email_new_advice
from painpath.patients.tokens import result_token
from painpath.staff.models import IntakeReview

#: Intakes per page on the staff list: one screen's worth on a desktop, fast to render.
INTAKES_PER_PAGE = 50

AnyUser = AbstractBaseUser | AnonymousUser


def list_intakes(user: AnyUser, request: HttpRequest | None, page_number: Any = 1) -> Page[Any]:
    """One page of submitted intakes, most urgent first (emergency, urgent, routine, self_care)
    by their current level (``painpath.checkins.services.with_current_urgency``), newest first
    within a level; each with its reviews and appointments prefetched.

    Audited as ``intake.list`` with the references shown. ``page_number`` out of range gives the
    last page; a non-number gives the first.
    """
    from painpath.checkins.services import with_current_urgency

    # Sorted by the current level: the most urgent of the therapist's review (else the
    # engine's level) and any escalation from a check-in (care plans).
    records = (
        with_current_urgency(IntakeRecord.objects.all())
        .order_by("current_urgency", "-created_at", "-id")
        .prefetch_related("reviews", "appointments")
    )
    page = Paginator(records, INTAKES_PER_PAGE).get_page(page_number)
    log_access(
        user,
        "intake.list",
        None,
        request,
        detail={"page": page.number, "references": [str(r.reference) for r in page]},
    )
    return page


def get_intake(user: AnyUser, request: HttpRequest | None, reference: uuid.UUID) -> IntakeRecord:
    """The intake with this staff ``reference``, audited as ``intake.view``; ``Http404`` if none."""
    try:
        record = IntakeRecord.objects.get(reference=reference)
    except IntakeRecord.DoesNotExist:
        raise Http404("no such intake") from None
    log_access(user, "intake.view", record, request)
    return record


@dataclass(frozen=True)
class ContactPerson:
    """Who booked from an intake, as they gave it: ``name``, ``phone`` (as written) and its
    ``tel:`` link (``tel``, "" without a phone), ``email``."""

    name: str
    phone: str
    tel: str
    email: str


@dataclass(frozen=True)
class IntakeContact:
    """How to reach the person behind an intake: the ``email`` given at intake ("" if none),
    the people who booked from it (``people``, each once), and its ``appointments`` (all
    statuses, by start, with therapist, clinic, type and patient loaded)."""

    email: str
    people: list[ContactPerson]
    appointments: list[Appointment]

    @property
    def known(self) -> bool:
        return bool(self.email or self.people)


def intake_contact(
    user: AnyUser, request: HttpRequest | None, record: IntakeRecord
) -> IntakeContact:
    """The contact details available for ``record``: its intake email and the patient name,
    phone and email of every appointment linked to it. Audited as ``intake.contact`` with
    the patient ids and which fields were shown (never the values)."""
    appointments = list(
        Appointment.objects.filter(intake=record)
        .select_related("therapist__clinic", "appointment_type", "patient")
        .order_by("start")
    )
    people: list[ContactPerson] = []
    seen: set[tuple[str, str, str]] = set()
    for appointment in appointments:
        patient = appointment.patient
        key = (patient.name, patient.phone, patient.email)
        if key in seen:
            continue
        seen.add(key)
        people.append(
            ContactPerson(patient.name, patient.phone, tel_href(patient.phone), patient.email)
        )
    contact = IntakeContact(record.contact_email, people, appointments)
    fields = ["intake_email"] if contact.email else []
    for name in ("name", "phone", "email"):
        if any(getattr(p, name) for p in people):
            fields.append(f"patient_{name}")
    log_access(
        user,
        "intake.contact",
        record,
        request,
        detail={
            "fields": fields,
            "patients": sorted({str(a.patient_id) for a in appointments}),
        },
    )
    return contact


def engine_leading_condition(record: IntakeRecord) -> str:
    """The id of the engine's most likely condition for ``record`` ("" when it ranked none)."""
    ids = record.top_condition_ids
    return ids[0] if ids else ""


def condition_choices(record: IntakeRecord) -> list[tuple[str, str]]:
    """``(id, name)`` of every condition a clinician can pick as the leading one for ``record``.

    The conditions the engine ranked come first, in its order (its leading one first), then the
    rest of the current knowledge base by name, so a clinician can name a cause the engine did
    not rank.
    """
    known = load_knowledge().conditions
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for cond in record.assessment.get("conditions", []):
        cid = str(cond.get("id", ""))
        if cid and cid not in seen:
            name = known[cid].name if cid in known else str(cond.get("name") or cid)
            out.append((cid, name))
            seen.add(cid)
    rest = sorted((c for cid, c in known.items() if cid not in seen), key=lambda c: c.name)
    out.extend((c.id, c.name) for c in rest)
    return out


@dataclass(frozen=True)
class AnswerRow:
    """One answer for display: the question as asked and the answer in words."""

    link_id: str
    question: str
    answer: str


def _answer_words(value: Any, labels: dict[str, str], unit: str | None) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value) if value else str(_("None"))
    if isinstance(value, int):
        return f"{value} {unit}" if unit else str(value)
    return labels.get(str(value), str(value))


def answer_rows(record: IntakeRecord) -> list[AnswerRow]:
    """The record's answers in questionnaire order, with question text and option labels.

    Items the person was not asked or did not answer are absent (unknown, never "no"). An
    answer whose item is no longer in the questionnaire is still shown, by its linkId, last.
    """
    answers: dict[str, Any] = dict(record.answers)
    rows: list[AnswerRow] = []
    for step in load_questionnaire().steps:
        for item in step.items:
            if item.link_id not in answers:
                continue
            labels = {o.code: o.label for o in item.options}
            value = answers.pop(item.link_id)
            rows.append(AnswerRow(item.link_id, item.text, _answer_words(value, labels, item.unit)))
    for link_id, value in answers.items():
        rows.append(AnswerRow(link_id, link_id, _answer_words(value, {}, None)))
    return rows


def record_review(
    user: User,
    request: HttpRequest | None,
    record: IntakeRecord,
    *,
    triage_level: str,
    leading_condition: str,
    note: str = "",
) -> IntakeReview:
    """Store a clinician's review of ``record`` and audit it as ``intake.review``.

    ``triage_level``: one of the four levels; ``leading_condition``: one of
    :func:`condition_choices`. Raises ``ValueError`` naming the field when either is not allowed.
    The engine's assessment on ``record`` is not changed.
    """
    if triage_level not in TriageLevel.values:
        raise ValueError(f"triage_level: {triage_level!r} is not one of {TriageLevel.values}")
    allowed = {cid for cid, _name in condition_choices(record)}
    if leading_condition not in allowed:
        raise ValueError(f"leading_condition: {leading_condition!r} is not a ranked condition")
    agrees = triage_level == record.triage_level and leading_condition == engine_leading_condition(
        record
    )
    from painpath.checkins.services import current_triage_detail

    told_before = current_triage_detail(record).level
    with transaction.atomic():
        review = IntakeReview.objects.create(
            intake=record,
            reviewer=user,
            triage_level=triage_level,
            leading_condition=leading_condition,
            agrees_with_engine=agrees,
            note=note.strip(),
        )
        log_access(user, "intake.review", record, request, detail={"review": review.pk})
        told_now = current_triage_detail(record).level
        if told_now in ("emergency", "urgent") and urgency_rank(told_now) < urgency_rank(
            told_before
        ):
            # The person's pages now say "see a doctor" (or emergency): tell them to look,
            # once the review is stored (the email carries only the link).
            recipients = _patient_emails(record)
            token = result_token(record.submission_key)
            transaction.on_commit(lambda: email_new_advice(recipients, token))
    return review


def _patient_emails(record: IntakeRecord) -> list[str]:
    """The addresses the person gave: at the intake, and when booking from it."""
    emails = {record.contact_email} if record.contact_email else set()
    emails |= set(record.appointments.values_list("patient__email", flat=True))
    return sorted(e for e in emails if e)


@dataclass(frozen=True)
class DaySchedule:
    """One clinic's appointments (all statuses) on one local ``day``, sorted by start."""

    clinic: Clinic
    day: dt.date
    appointments: list[Appointment]

    @property
    def tz(self) -> ZoneInfo:
        return self.clinic.tz

    @property
    def local_midnight(self) -> dt.datetime:
        """The start of ``day`` in the clinic's zone (aware), for the date filters."""
        return dt.datetime.combine(self.day, dt.time.min, tzinfo=self.tz)


def display_time_zone() -> str:
    """The zone staff pages show times in: the clinic's (the first by name when there are
    several), or UTC before any clinic is set up."""
    zone = Clinic.objects.order_by("name").values_list("time_zone", flat=True).first()
    return zone or "UTC"


def local_day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of the local calendar ``day`` in ``tz`` as aware UTC datetimes.

    Built from local midnights, so a daylight-saving day is 23 or 25 hours long as it should be.
    """
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def today_for(clinic: Clinic, now: dt.datetime | None = None) -> dt.date:
    """Today's date in the clinic's time zone (``now`` injectable for tests)."""
    return (now or timezone.now()).astimezone(clinic.tz).date()


def day_schedules(
    user: AnyUser, request: HttpRequest | None, day: dt.date | None = None
) -> list[DaySchedule]:
    """For each clinic, its appointments on the local ``day`` (default: today there).

    Audited as ``appointment.list`` with the appointment ids shown.
    """
    schedules: list[DaySchedule] = []
    for clinic in Clinic.objects.order_by("name"):
        local_day = day or today_for(clinic)
        start, end = local_day_bounds(local_day, clinic.tz)
        appointments = list(
            Appointment.objects.filter(therapist__clinic=clinic, start__gte=start, start__lt=end)
            .select_related("patient", "therapist", "appointment_type", "intake")
            .order_by("start", "therapist__name")
        )
        schedules.append(DaySchedule(clinic, local_day, appointments))
    log_access(
        user,
        "appointment.list",
        None,
        request,
        detail={
            "day": day.isoformat() if day else "today",
            "appointments": [str(a.id) for s in schedules for a in s.appointments],
        },
    )
    return schedules


# --------------------------------------------------------------------------- care plans

#: Who or what made a plan version, by its ``action`` (staff-facing words).
_MADE_BY = {
    "start": "PainPath, from the intake",
    "step_up": "a check-in (made harder)",
    "hold": "a check-in (kept the same)",
    "step_down": "a check-in (made easier)",
    "seek_care": "a check-in (warning sign: exercises stopped)",
}


@dataclass(frozen=True)
class VersionRow:
    """One plan version in the staff history: ``number``, ``made_by`` (words), ``created_at``
    (aware UTC) and whether a therapist's ``note`` to the person came with it."""

    number: int
    made_by: str
    created_at: dt.datetime
    has_note: bool


@dataclass(frozen=True)
class CarePlanView:
    """An intake's current care plan for the staff page.

    ``version``: the current ``PlanVersion``; ``plan``: its :class:`Plan`; ``made_by``: who or
    what made it, in words (PainPath, a check-in, or the therapist's name); ``triage_level``:
    the person's current level (``checkins.services.current_triage_detail``), which decides
    whether exercises are allowed; ``reviewed``: ``(id, name)`` of the leading condition of the
    latest therapist review, or ``None`` without a review (a rebuild needs one);
    ``history``: every version, newest first.
    """

    version: PlanVersion
    plan: Plan
    made_by: str
    triage_level: CoreTriageLevel
    reviewed: tuple[str, str] | None
    history: list[VersionRow]


def _made_by(version: PlanVersion) -> str:
    if version.action == THERAPIST_EDIT and version.author is not None:
        author = version.author
        name = author.get_full_name() or author.get_username()
        return _("%(name)s (physical therapist)") % {"name": name}
    return _MADE_BY.get(version.action, version.action)


def care_plan(user: AnyUser, request: HttpRequest | None, record: IntakeRecord) -> CarePlanView:
    """The current care plan of ``record`` (version 1 is built on first use) and the list of
    its versions, audited as ``plan.view`` with the version number shown. Four queries."""
    from painpath.checkins.services import current_plan

    version = current_plan(record)
    versions = (
        PlanVersion.objects.filter(record=record)
        .select_related("author")
        .defer("plan")  # the list needs who and when, not every stored plan
        .order_by("-number")
    )
    history = [VersionRow(v.number, _made_by(v), v.created_at, bool(v.note)) for v in versions]
    review = record.reviews.order_by("-created_at", "-id").first()
    reviewed = None
    if review is not None:
        reviewed = (review.leading_condition, _condition_name(record, review.leading_condition))
    log_access(user, "plan.view", record, request, detail={"version": version.number})
    return CarePlanView(
        version=version,
        plan=Plan.from_dict(version.plan),
        made_by=_made_by(version),
        triage_level=current_triage_level(record),
        reviewed=reviewed,
        history=history,
    )


def current_triage_level(record: IntakeRecord) -> CoreTriageLevel:
    """The person's current level (``checkins.services.current_triage_detail``): what decides
    whether a plan may have exercises."""
    from painpath.checkins.services import current_triage_detail

    return current_triage_detail(record).level


def _condition_name(record: IntakeRecord, condition_id: str) -> str:
    return dict(condition_choices(record)).get(condition_id, condition_id)


def edit_care_plan(
    user: User,
    request: HttpRequest | None,
    record: IntakeRecord,
    edit: PlanEdit,
    *,
    base_number: int,
) -> PlanVersion:
    """Save ``edit`` (``painpath.careplan.edit``) of ``record``'s plan as a new version by
    ``user``, checked against the person's current triage. Audited as ``plan.edit``.

    ``base_number``: the version the therapist changed. Raises ``PlanEditError`` (nothing
    stored) or ``PlanChangedMeanwhile`` (audited as ``plan.conflict``; nothing stored).
    """
    level = current_triage_level(record)

    def make(plan: Plan) -> tuple[Plan, Decision]:
        return apply_edit(plan, edit, triage_level=level, at=timezone.now().isoformat())

    return _store_plan(user, request, record, base_number, make, kind="edit")


def rebuild_care_plan(
    user: User,
    request: HttpRequest | None,
    record: IntakeRecord,
    *,
    note: str,
    base_number: int,
) -> PlanVersion:
    """Rebuild ``record``'s plan for the leading condition of the latest therapist review at
    the person's current triage (``build_plan(..., confirmed=...)``), as a new version by
    ``user`` with ``note`` for the person. Audited as ``plan.edit`` (kind ``rebuild``).

    Raises ``ValueError`` naming ``rebuild`` without a review, ``PlanEditError`` for a bad
    note, ``PlanChangedMeanwhile`` as :func:`edit_care_plan`.
    """
    from painpath.checkins.services import current_triage_detail

    review = record.reviews.order_by("-created_at", "-id").first()
    if review is None:
        raise ValueError("rebuild: record a review with the leading condition first")
    triage = current_triage_detail(record)
    assessment = assessment_from_dict(record.assessment, record.answers)
    assessment = replace(
        assessment,
        triage=Triage(level=triage.level, reasons=tuple(str(r) for r in triage.reasons)),
    )
    # Named as the review form names it; the engine's probability when it ranked the cause.
    cid = review.leading_condition
    probability = next((c.probability for c in assessment.conditions if c.id == cid), 0.0)
    confirmed = RankedCondition(cid, _condition_name(record, cid), probability)

    def make(plan: Plan) -> tuple[Plan, Decision]:
        # The current plan's answers: the intake's plus any warning sign reported since.
        current = replace(assessment, answers={**assessment.answers, **plan.answers})
        rebuilt = build_plan(current, confirmed=confirmed)
        return therapist_rebuild(plan, rebuilt, note=note, at=timezone.now().isoformat())

    return _store_plan(user, request, record, base_number, make, kind="rebuild")


def _store_plan(
    user: User,
    request: HttpRequest | None,
    record: IntakeRecord,
    base_number: int,
    make: Callable[[Plan], tuple[Plan, Decision]],
    *,
    kind: str,
) -> PlanVersion:
    # Stores through the checkins app (which owns PlanVersion) and audits the outcome.
    from painpath.checkins.services import PlanChangedMeanwhile, store_therapist_version

    try:
        version = store_therapist_version(record, user, base_number, make)
    except PlanChangedMeanwhile as exc:
        log_plan_conflict(user, request, record, base_number, exc.current.number)
        raise
    detail = {"kind": kind, "version": version.number}
    log_access(user, "plan.edit", record, request, detail=detail)
    return version


def log_plan_conflict(
    user: AnyUser, request: HttpRequest | None, record: IntakeRecord, base: int, current: int
) -> None:
    """Audit a plan change refused because version ``current`` replaced ``base`` meanwhile
    (``plan.conflict``)."""
    detail = {"base": base, "current": current}
    log_access(user, "plan.conflict", record, request, detail=detail)
