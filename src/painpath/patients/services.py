"""Business operations of the patient web app: drafts, screening, submission, lookup, email.

Views call these functions and nothing else touches the tables. Every function that writes runs
in a transaction. Nothing here logs answers, assessments, tokens or email addresses.

Flow::

    draft, key = start_draft()                      # key goes into a signed cookie
    draft = find_draft(key)                         # None when unknown or expired
    save_step(draft, step_index, form.answers, form.cleared, next_index)
    screening = screen(draft.answers, [], draft.furthest_step)  # red flags so far
    outcome = submit_draft(draft, email="")         # IntakeRecord + assessment, one transaction
    record = record_for_token(outcome.token)        # the private link
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from painpath.engine.assessment import Assessment, Triage
from painpath.engine.intake import IntakeError, drop_hidden_answers, validate_answers
from painpath.patients import tokens
from painpath.patients.models import DRAFT_LIFETIME, IntakeDraft, IntakeRecord

log = logging.getLogger(__name__)


class RecordNotFound(LookupError):
    """No intake has this private link token (wrong, malformed or deleted)."""


def _assess(answers: Mapping[str, Any], unreached: Collection[str] = ()) -> Assessment:
    # Imported here: the engine loads its knowledge base on first use, not at URL import.
    from painpath.engine import assess

    result: Assessment = assess(answers, not_yet_asked=unreached)
    return result


def not_yet_asked(furthest_step: int) -> tuple[str, ...]:
    """The linkIds of the questionnaire's steps from ``furthest_step`` on (0-based: the next
    step the person has not answered yet): questions still to come, not skipped ones.

    The engine assumes the worst for some unanswered questions (a skipped "how long" counts as
    recent in a few red-flag rules); between steps a question the person has not reached yet
    must not count as skipped, or the screening would interrupt with an assumption about a
    question that comes later.
    """
    from painpath.engine.questionnaire import load_questionnaire

    steps = load_questionnaire().steps
    return tuple(item.link_id for step in steps[furthest_step:] for item in step.items)


# ----------------------------------------------------------------------------------- drafts


def purge_expired_drafts() -> int:
    """Delete drafts past their expiry; returns how many were deleted."""
    deleted, _by_model = IntakeDraft.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def start_draft() -> tuple[IntakeDraft, str]:
    """Create an empty draft; returns it and its plain key (for the device's signed cookie).

    Expired drafts are purged on the way, so health data never outlives ``DRAFT_LIFETIME``
    by more than the time until the next person starts an intake.
    """
    purge_expired_drafts()
    key = tokens.new_secret()
    now = timezone.now()
    draft = IntakeDraft.objects.create(
        key_hash=tokens.digest(key),
        submission_key=tokens.new_secret(),
        created_at=now,
        updated_at=now,
        expires_at=now + DRAFT_LIFETIME,
    )
    return draft, key


def find_draft(key: str | None) -> IntakeDraft | None:
    """The live draft for the plain cookie ``key``, or None (no key, unknown or expired)."""
    if not key or not tokens.looks_like_token(key):
        return None
    draft = IntakeDraft.objects.filter(key_hash=tokens.digest(key)).first()
    if draft is None or draft.is_expired:
        return None
    return draft


def save_step(
    draft: IntakeDraft,
    answers: Mapping[str, Any],
    cleared: list[str],
    advance_to: Callable[[dict[str, Any]], int],
) -> dict[str, Any]:
    """Merge one step's answers into the draft and drop answers to now-hidden questions.

    ``answers``: the step's typed answers; ``cleared``: the step's linkIds left unanswered
    (their previous answers are removed: unanswered means unknown); ``advance_to``: given the
    merged answers, the step index the person may now open (``furthest_step`` is never
    lowered). Raises :class:`IntakeError` when the merged answers are invalid (nothing is
    saved then). Returns the saved answers.
    """
    merged: dict[str, Any] = dict(draft.answers)
    for link_id in cleared:
        merged.pop(link_id, None)
    merged.update(answers)
    merged = drop_hidden_answers(merged)
    validate_answers(merged)  # raises IntakeError naming the item
    with transaction.atomic():
        draft.answers = merged
        draft.furthest_step = max(draft.furthest_step, advance_to(merged))
        draft.touch()
        draft.save(update_fields=["answers", "furthest_step", "updated_at", "expires_at"])
    return merged


def acknowledge_flags(draft: IntakeDraft, rule_ids: list[str]) -> None:
    """Record that the person saw the urgent advice for ``rule_ids`` and chose to go on."""
    draft.acknowledged_flags = sorted(set(draft.acknowledged_flags) | set(rule_ids))
    draft.touch()
    draft.save(update_fields=["acknowledged_flags", "updated_at", "expires_at"])


# -------------------------------------------------------------------------------- screening


@dataclass(frozen=True)
class Screening:
    """Red-flag screening of a partial intake.

    ``triage``: the engine's triage on the answers so far. ``interrupt``: ``"emergency"`` (stop
    the questionnaire, show emergency advice), ``"urgent"`` (show urgent advice with a choice to
    go on) or ``None`` (carry on). ``new_flags``: urgent rule ids not yet acknowledged.
    """

    triage: Triage
    interrupt: str | None
    new_flags: tuple[str, ...]


def screen(
    answers: Mapping[str, Any],
    acknowledged: list[str] | tuple[str, ...] = (),
    furthest_step: int | None = None,
) -> Screening:
    """Run the engine's red-flag screening on the answers so far (unknown stays unknown).

    Emergency always interrupts. Urgent interrupts when at least one fired urgent rule has not
    been acknowledged yet (so "continue anyway" is asked once per new warning sign, not on
    every step). ``furthest_step``: the draft's next unanswered step; the questions from there
    on are still to come (:func:`not_yet_asked`); ``None`` screens the answers as finished.
    Raises :class:`IntakeError` for invalid answers.
    """
    later = not_yet_asked(furthest_step) if furthest_step is not None else ()
    triage = _assess(validate_answers(drop_hidden_answers(answers)), later).triage
    if triage.level == "emergency":
        return Screening(triage, "emergency", ())
    if triage.level == "urgent":
        fired = [f.rule_id for f in triage.red_flags if f.level == "urgent"]
        new = tuple(r for r in fired if r not in acknowledged)
        # A level of urgent with no rule id to acknowledge still interrupts once per step set.
        if new or (not fired and "urgent" not in acknowledged):
            return Screening(triage, "urgent", new or ("urgent",))
    return Screening(triage, None, ())


# ------------------------------------------------------------------------------- submission


@dataclass(frozen=True)
class Submitted:
    """The stored record, the private link token and whether this call created the record."""

    record: IntakeRecord
    token: str
    created: bool


def submit_answers(
    raw_answers: Mapping[str, Any],
    submission_key: str,
    email: str = "",
    unreached: Collection[str] = (),
) -> Submitted:
    """Validate, assess and store an intake in ONE transaction; idempotent on ``submission_key``.

    Hidden answers are dropped first. A second call with the same key (double click, refresh,
    retry) returns the first record with ``created=False`` and changes nothing. Raises
    :class:`IntakeError` for invalid answers (nothing stored). The private link is emailed after
    the transaction commits when ``email`` is given. ``unreached``: linkIds the person never
    reached (an intake stopped early for a warning sign), not assumed to be skipped.
    """
    existing = IntakeRecord.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return Submitted(existing, tokens.result_token(submission_key), False)
    answers = validate_answers(drop_hidden_answers(raw_answers))
    assessment = _assess(answers, unreached)
    token = tokens.result_token(submission_key)
    try:
        with transaction.atomic():
            record = IntakeRecord.objects.create(
                token_hash=tokens.digest(token),
                submission_key=submission_key,
                answers=answers,
                assessment=assessment.to_dict(),
                triage_level=assessment.triage.level,
                engine_version=assessment.engine_version,
                knowledge_version=assessment.knowledge_version,
                contact_email=email,
            )
            IntakeDraft.objects.filter(submission_key=submission_key).delete()
            if email:
                transaction.on_commit(lambda: email_private_link(email, token))
    except IntegrityError:
        # A concurrent submit of the same intake won the race: return its record.
        record = IntakeRecord.objects.get(submission_key=submission_key)
        return Submitted(record, token, False)
    return Submitted(record, token, True)


def submit_draft(draft: IntakeDraft, email: str = "") -> Submitted:
    """Submit a draft's answers (see :func:`submit_answers`); the draft is deleted with it.

    An intake stopped early (emergency, or "finish here" after urgent advice) is assessed with
    the questions the person never reached as still to come, as the screening saw them: its
    reasons then speak only of what was asked.
    """
    return submit_answers(
        draft.answers, draft.submission_key, email, not_yet_asked(draft.furthest_step)
    )


def record_for_submission(submission_key: str) -> Submitted | None:
    """The record already stored for ``submission_key`` (a repeated submit), or None."""
    record = IntakeRecord.objects.filter(submission_key=submission_key).first()
    if record is None:
        return None
    return Submitted(record, tokens.result_token(submission_key), False)


def record_for_token(token: str) -> IntakeRecord:
    """The record behind a private link. Raises :class:`RecordNotFound` for any bad token.

    Malformed tokens are refused before any query; well-formed ones are looked up by their
    SHA-256 through the unique index (the plain token is never stored or compared).
    """
    if not tokens.looks_like_token(token):
        raise RecordNotFound(token[:0])  # never echo the token into messages or logs
    record = IntakeRecord.objects.filter(token_hash=tokens.digest(token)).first()
    if record is None:
        raise RecordNotFound("")
    return record


def record_for_result_page(token: str) -> IntakeRecord:
    """Like :func:`record_for_token`, in ONE query for the result page.

    The answers are not loaded (the page does not show them; they stay deferred) and
    ``has_escalation`` tells whether a check-in escalated the advice, so the escalation banner
    costs a query only when there is one. The SQL is written out because this is the hot path
    of a first visit: building the same query with the ORM (an ``Exists`` annotation) cost more
    CPU than running it (README, "Patient web app", benchmark). Column and table names come
    from the models' metadata, and the token digest is a bound parameter.
    """
    if not tokens.looks_like_token(token):
        raise RecordNotFound(token[:0])
    rows = list(IntakeRecord.objects.raw(_result_page_sql(), [tokens.digest(token)]))
    if not rows:
        raise RecordNotFound("")
    record = rows[0]
    record.has_escalation = bool(record.has_escalation)  # type: ignore[attr-defined]
    return record


@functools.cache
def _result_page_sql() -> str:
    from django.apps import apps

    meta = IntakeRecord._meta
    columns = ", ".join(
        f"r.{connection.ops.quote_name(f.column)}"
        for f in meta.concrete_fields
        if f.name != "answers"
    )
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(meta.pk.column)
    escalation = "0"
    try:
        plan_version = apps.get_model("checkins", "PlanVersion")
    except LookupError:
        pass
    else:
        pv = plan_version._meta
        escalation = (
            f"CASE WHEN EXISTS (SELECT 1 FROM {connection.ops.quote_name(pv.db_table)} p "
            f"WHERE p.{connection.ops.quote_name(pv.get_field('record').column)} = r.{pk} "
            f"AND p.{connection.ops.quote_name(pv.get_field('action').column)} = 'seek_care') "
            "THEN 1 ELSE 0 END"
        )
    try:
        review = apps.get_model("staff", "IntakeReview")
    except LookupError:
        pass
    else:
        # A therapist's review may make the advice more urgent: the banner tag decides.
        rv = review._meta
        escalation = (
            f"CASE WHEN ({escalation}) = 1 OR EXISTS (SELECT 1 FROM "
            f"{connection.ops.quote_name(rv.db_table)} v "
            f"WHERE v.{connection.ops.quote_name(rv.get_field('intake').column)} = r.{pk}) "
            "THEN 1 ELSE 0 END"
        )
    return (
        f"SELECT {columns}, {escalation} AS has_escalation FROM {table} r WHERE r.token_hash = %s"
    )


def recent_records(result_tokens: list[str]) -> list[tuple[str, IntakeRecord]]:
    """``(token, record)`` for the tokens that still open a result, in the given order.

    One query; answers and assessment are not loaded. For "you already sent your answers" on
    the device that sent them (the tokens come from its signed cookie).
    """
    by_digest = {tokens.digest(t): t for t in result_tokens if tokens.looks_like_token(t)}
    if not by_digest:
        return []
    rows = IntakeRecord.objects.filter(token_hash__in=list(by_digest)).only(
        "token_hash", "created_at"
    )
    found = {r.token_hash: r for r in rows}
    return [(t, found[d]) for d, t in by_digest.items() if d in found]


def private_link(token: str) -> str:
    """The absolute URL of the result page for ``token`` (``PAINPATH_BASE_URL`` + path)."""
    from django.urls import reverse

    base = str(settings.PAINPATH_BASE_URL).rstrip("/")
    return base + reverse("patients:result", args=[token])


def _send_link_only(emails: Collection[str], subject: str, body: str, what: str) -> bool:
    """Send a link-only email (nothing about health) to ``emails``; False, logged as ``what``
    without any personal data, when sending fails (the caller's work is stored anyway)."""
    try:
        send_mail(subject, body, None, sorted(set(emails)))
    except Exception:  # SMTP and file errors alike
        log.warning("sending %s by email failed", what, exc_info=False)
        return False
    return True


def email_private_link(email: str, token: str) -> bool:
    """Email the private link. Returns False (and logs without any personal data) on failure.

    The message carries only the link: no answers, no triage, nothing about health.
    """
    body = _(
        "Hello,\n\nHere is your private link to come back to your PainPath result:\n\n%(link)s\n\n"
        "Keep it to yourself: anyone with the link can see the result. PainPath gives "
        "information, not a diagnosis.\n"
    ) % {"link": private_link(token)}
    return _send_link_only([email], _("Your PainPath link"), body, "a private link")


def email_new_advice(emails: Collection[str], token: str) -> bool:
    """Tell the person, by email, that their clinic has new advice on their private page (a
    therapist's review made it more urgent). Only the link: nothing about health. Returns False
    (and logs without any personal data) on failure; ``emails`` empty sends nothing (True)."""
    if not emails:
        return True
    body = _(
        "Hello,\n\nYour clinic has reviewed your answers and has new advice for you. Please "
        "open your private link now and follow the advice at the top of the page:\n\n%(link)s"
        "\n\nFor your privacy, we never put health details in emails. Keep the link to "
        "yourself: anyone with the link can see your result.\n"
    ) % {"link": private_link(token)}
    return _send_link_only(emails, _("New advice from your clinic"), body, "the new advice")


__all__ = [
    "IntakeError",
    "RecordNotFound",
    "Screening",
    "Submitted",
    "acknowledge_flags",
    "email_new_advice",
    "email_private_link",
    "find_draft",
    "private_link",
    "purge_expired_drafts",
    "recent_records",
    "record_for_result_page",
    "record_for_submission",
    "record_for_token",
    "save_step",
    "screen",
    "start_draft",
    "submit_answers",
    "submit_draft",
]
