"""Progression: check-ins update the plan with the pain-monitoring model, keeping its history.

The rule (numbers and sources in ``data/progression.yaml``; Thomee 1997, Silbernagel et al. 2007):

* Pain during exercise up to 5/10, and pain the next morning back to the person's baseline (pain
  now at the previous check-in, or at intake) -> acceptable. After 2 acceptable check-ins in a row
  (since the last change) on days at least 3 days apart (acceptable check-ins in between count
  for the streak but not as the second one), with at least half the planned sessions done ->
  **step up**: each exercise gains a set up to its maximum, then moves to its harder variant
  (when it suits the person).
* Pain during exercise of 6/10 or more, or pain the next morning above baseline -> **step down**:
  each exercise loses a set, or at one set moves to its easier variant.
* Otherwise (not yet sustained, morning not reported, too few sessions, no exercise) -> **hold**.
* Warning signs reported at a check-in -> triage is re-run on the intake answers updated with the
  new answers (never less urgent than the sign itself demands) and the plan is rebuilt: for
  emergency or urgent triage it has no exercises, only the advice to seek care (**seek_care**).

* After a physical therapist's version (a ``therapist_edit`` decision,
  :mod:`painpath.careplan.edit`), progression continues from it: only check-ins after it count
  toward a step up, and a step keeps the therapist's repetitions, hold and frequency (a set
  more or less; a variant gets its own starting dose).

``progress`` is pure: it returns a new plan and the decision, and is idempotent per check-in id.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from painpath.careplan.library import Library, load_library
from painpath.careplan.plan import (
    Decision,
    DecisionAction,
    Plan,
    PlanExercise,
    build_plan,
    plan_exercise,
    with_sets,
)
from painpath.engine.assessment import (
    Assessment,
    Triage,
    TriageLevel,
    most_urgent,
    urgency_rank,
)

__all__ = [
    "CheckIn",
    "CheckInError",
    "Decision",
    "last_therapist_edit",
    "progress",
    "reported_warning_signs",
]

Reassess = Callable[[Mapping[str, Any]], Assessment]


class CheckInError(ValueError):
    """A check-in value is invalid; the message names the field."""


def _check_int(name: str, value: Any, low: int, high: int, *, optional: bool = True) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CheckInError(f"{name}: must be a whole number from {low} to {high}, got {value!r}")


@dataclass(frozen=True)
class CheckIn:
    """One check-in.

    ``id``: unique (idempotency key); ``at``: ISO 8601 timestamp (UTC);
    ``pain_now``/``pain_during``/``pain_next_morning``: 0-10 NPRS (``pain_during`` ``None`` =
    no exercise since the last check-in; ``pain_next_morning`` ``None`` = not reported);
    ``psfs``: up to three Patient-Specific Functional Scale scores 0-10 (10 = able to do the
    activity as before); ``global_change``: global rating of change -7 (a very great deal worse)
    to +7 (a very great deal better); ``sessions_done``/``sessions_planned``: adherence;
    ``warning_signs``: intake answers for warning-sign items (e.g. ``{"saddle_numbness": True}``).
    Raises :class:`CheckInError` naming the field when a value is out of range or ``at`` is not
    an ISO 8601 timestamp.
    """

    id: str
    at: str
    pain_now: int | None
    pain_during: int | None = None
    pain_next_morning: int | None = None
    psfs: tuple[int, ...] = ()
    global_change: int | None = None
    sessions_done: int | None = None
    sessions_planned: int | None = None
    warning_signs: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            raise CheckInError("id: required")
        try:
            datetime.fromisoformat(self.at)
        except (TypeError, ValueError):
            raise CheckInError(f"at: must be an ISO 8601 timestamp, got {self.at!r}") from None
        # None: not given (a check-in kept for its warning sign with this answer missing).
        _check_int("pain_now", self.pain_now, 0, 10)
        _check_int("pain_during", self.pain_during, 0, 10)
        _check_int("pain_next_morning", self.pain_next_morning, 0, 10)
        if len(self.psfs) > 3:
            raise CheckInError("psfs: at most 3 activities")
        for i, score in enumerate(self.psfs):
            _check_int(f"psfs[{i}]", score, 0, 10, optional=False)
        _check_int("global_change", self.global_change, -7, 7)
        _check_int("sessions_done", self.sessions_done, 0, 200)
        _check_int("sessions_planned", self.sessions_planned, 0, 200)

    @property
    def day(self) -> date:
        """The calendar day of ``at`` as written (the web app writes the clinic's local time)."""
        return datetime.fromisoformat(self.at).date()

    @property
    def adherence(self) -> float | None:
        """Sessions done / planned (0..1, capped), or ``None`` when either is unknown."""
        if self.sessions_done is None or not self.sessions_planned:
            return None
        return min(1.0, self.sessions_done / self.sessions_planned)

    @property
    def psfs_mean(self) -> float | None:
        """Mean PSFS score (0-10) or ``None`` without activities."""
        return sum(self.psfs) / len(self.psfs) if self.psfs else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "pain_now": self.pain_now,
            "pain_during": self.pain_during,
            "pain_next_morning": self.pain_next_morning,
            "psfs": list(self.psfs),
            "global_change": self.global_change,
            "sessions_done": self.sessions_done,
            "sessions_planned": self.sessions_planned,
            "warning_signs": dict(self.warning_signs),
        }


def reported_warning_signs(
    answers: Mapping[str, Any], library: Library | None = None
) -> list[tuple[str, str, TriageLevel]]:
    """The warning signs ``answers`` report, as ``(id, text, action)`` in library order.

    ``text`` names only the answers reported (the sign's ``answer_texts``, one sentence each),
    not every sign of its group; the group ``text`` is used for an answer without its own."""
    lib = library or load_library()
    out: list[tuple[str, str, TriageLevel]] = []
    for sign in lib.warning_signs:
        matched = [k for k, v in sign.answers.items() if answers.get(k) == v]
        if matched:
            texts = list(dict.fromkeys(sign.answer_texts.get(k, sign.text) for k in matched))
            out.append((sign.id, " ".join(texts), sign.action))
    return out


def _default_reassess(answers: Mapping[str, Any]) -> Assessment:
    from painpath.engine import assess  # lazy: the engine is only needed for re-triage

    result: Assessment = assess(answers)
    return result


def progress(
    plan: Plan,
    checkins: Sequence[CheckIn],
    *,
    reassess: Reassess | None = None,
    library: Library | None = None,
    day_label: Callable[[date], str] | None = None,
) -> tuple[Plan, Decision]:
    """Apply the latest of ``checkins`` (oldest first) to ``plan``.

    Returns ``(new_plan, decision)``; ``new_plan.history`` ends with ``decision``. A check-in
    already in the history returns the plan unchanged with its earlier decision (idempotent).
    ``reassess(answers) -> Assessment`` re-runs triage when warning signs are reported (default:
    ``painpath.engine.assess``). ``day_label(day) -> str`` words a calendar day in the plan's
    notes, so an adapter can pass its own localised format (default :func:`format_day`,
    ``"Thursday, March 5"``); the day given is the one the spacing rule counts by (the UTC day of
    the check-ins, see :attr:`CheckIn.day`). Raises ``ValueError`` when ``checkins`` is empty.
    """
    if not checkins:
        raise ValueError("checkins: at least one check-in is needed")
    lib = library or load_library()
    latest = checkins[-1]
    for earlier in plan.history:
        if earlier.checkin_id == latest.id:
            return plan, earlier
    rule = lib.progression

    signs = reported_warning_signs(latest.warning_signs, lib)
    if signs:
        return _retriage(plan, latest, signs, reassess or _default_reassess, lib)

    def decide(
        action: DecisionAction,
        reason: str,
        new: Plan | None = None,
        changes: Sequence[str] = (),
    ) -> tuple[Plan, Decision]:
        decision = Decision(
            action=action,
            reason=reason,
            triage_level=plan.triage_level,
            checkin_id=latest.id,
            at=latest.at,
            changes=tuple(changes),
            source=rule.source,
        )
        base = new or plan
        return replace(base, history=(*plan.history, decision)), decision

    if not plan.exercises:
        return decide("hold", "There are no exercises to change until a clinician has seen you.")
    if latest.pain_during is None:
        return decide("hold", "No exercise sessions were reported, so the plan stays the same.")

    baseline = _baseline(plan, checkins, len(checkins) - 1)
    max_during = int(rule.max_pain_during.value)
    tolerance = int(rule.morning_tolerance.value)
    morning = latest.pain_next_morning

    if latest.pain_during >= rule.step_down_pain_during.value or (
        morning is not None and baseline is not None and morning > baseline + tolerance
    ):
        if latest.pain_during > max_during:
            why = f"Pain during exercise was {latest.pain_during}/10 (the limit is {max_during}/10)"
        else:
            why = (
                f"Pain the next morning ({morning}/10) had not settled back to your usual "
                f"level ({baseline}/10)"
            )
        new_exercises, changes = _step(plan, lib, up=False)
        new = replace(
            plan,
            exercises=new_exercises,
            exercise_note=_progressed_note(plan, "step_down") if changes else plan.exercise_note,
        )
        reason = f"{why}, so the exercises are made easier."
        if not changes:
            reason += " They are already at the easiest level: please contact your clinic."
        return decide("step_down", reason, new, changes)

    if morning is None:
        return decide(
            "hold",
            "Pain the next morning was not reported, so the plan stays the same for now.",
        )

    gap = int(rule.min_days_between_counted.value)
    streak = _acceptable_streak(plan, checkins, max_during, tolerance, gap)
    needed = int(rule.sustained_checkins.value)
    adherence = latest.adherence
    if adherence is not None and adherence < rule.min_adherence.value:
        return decide(
            "hold",
            f"The exercises were done in {latest.sessions_done} of {latest.sessions_planned} "
            "planned sessions; keep going on at least half of them before stepping up.",
        )
    if streak < needed:
        more = needed - streak
        after = latest.day + timedelta(days=gap)
        when = (day_label or functools.partial(format_day, this_year=latest.day.year))(after)
        return decide(
            "hold",
            f"Pain stayed within limits ({latest.pain_during}/10 during, back to "
            f"{morning}/10 the next morning). "
            + (
                f"One more check-in like this, on {when} or later, and the exercises step up."
                if more == 1
                else f"{more} more check-ins like this, at least {gap} days apart, and the "
                "exercises step up."
            )
            + f" The exercises only step up when good check-ins are at least {gap} days apart, "
            "so that your body has time to show how it responds.",
        )
    new_exercises, changes = _step(plan, lib, up=True)
    if not changes:
        return decide(
            "hold",
            "Pain stayed within limits, and every exercise is already at its hardest level: "
            "keep going, and talk to your physical therapist about what comes next.",
        )
    return decide(
        "step_up",
        f"Pain stayed within limits at {streak} check-ins in a row, at least {gap} days apart "
        f"(at most {max_during}/10 during exercise, back to your usual level by the next "
        "morning), so the exercises step up.",
        replace(plan, exercises=new_exercises, exercise_note=_progressed_note(plan, "step_up")),
        changes,
    )


def format_day(day: date, *, this_year: int | None = None) -> str:
    """``day`` the way the rest of the plan words dates: ``"Thursday, March 5"``, with the year
    (``"Friday, January 1, 2027"``) when ``this_year`` is given and differs from ``day``'s.

    English, like every other sentence of the core; it matches the clinic app's English date
    format (``painpath.clinic.formatting.format_local_date``) without importing Django.
    """
    text = f"{_WEEKDAYS[day.weekday()]}, {_MONTHS[day.month - 1]} {day.day}"
    if this_year is not None and day.year != this_year:
        text += f", {day.year}"
    return text


# Spelt out rather than strftime("%A"), which follows the process's C locale.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _baseline(plan: Plan, checkins: Sequence[CheckIn], i: int) -> int | None:
    """The usual pain before ``checkins[i]``: the latest earlier check-in that gave its pain
    now, else the intake's pain, else the check-in's own; ``None`` when none is known (a
    check-in kept for its warning sign may lack its pain score)."""
    for earlier in reversed(checkins[:i]):
        if earlier.pain_now is not None:
            return earlier.pain_now
    intake_pain = plan.answers.get("pain_now")
    if isinstance(intake_pain, int) and not isinstance(intake_pain, bool):
        return intake_pain
    return checkins[i].pain_now


def _acceptable(c: CheckIn, baseline: int | None, max_during: int, tolerance: int) -> bool:
    return (
        baseline is not None
        and c.pain_during is not None
        and c.pain_during <= max_during
        and c.pain_next_morning is not None
        and c.pain_next_morning <= baseline + tolerance
    )


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _progressed_note(plan: Plan, action: DecisionAction) -> str:
    """The plan's note once check-ins have changed the exercises (the start note no longer
    fits: it explains the starting level)."""
    actions = [d.action for d in plan.history] + [action]
    edited = "therapist_edit" in actions
    if edited:  # count from the therapist's version, which set the exercises afresh
        actions = actions[len(actions) - actions[::-1].index("therapist_edit") :]
    ups, downs = actions.count("step_up"), actions.count("step_down")
    causes = ", ".join(name for _id, name, _p in plan.leading) or "non-specific back or hip pain"
    done = []
    if ups:
        done.append(f"made harder {_times(ups)}")
    if downs:
        done.append(f"made easier {_times(downs)}")
    if edited:
        return (
            "Exercises set by your physical therapist. Since then, your check-ins have "
            f"{' and '.join(done)}, to match how your pain responds."
        )
    return (
        f"Exercises chosen for the likely causes ({causes}). Since the start, your check-ins "
        f"have {' and '.join(done)}, to match how your pain responds."
    )


def _moment(at: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (naive ones are UTC, as stored)."""
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def last_therapist_edit(plan: Plan) -> Decision | None:
    """The latest ``therapist_edit`` decision of ``plan``'s history, or ``None``."""
    return next((d for d in reversed(plan.history) if d.action == "therapist_edit"), None)


def _acceptable_streak(
    plan: Plan, checkins: Sequence[CheckIn], max_during: int, tolerance: int, gap_days: int
) -> int:
    """Acceptable check-ins in a row, ending with the latest, since the last plan change,
    counting only those at least ``gap_days`` calendar days before the one counted after
    them (acceptable ones in between keep the streak but are not counted)."""
    changed_at = {
        d.checkin_id for d in plan.history if d.action in ("step_up", "step_down", "seek_care")
    }
    # A therapist's version starts afresh: only check-ins after it count toward a step up.
    edited = last_therapist_edit(plan)
    edited_at = _moment(edited.at) if edited is not None and edited.at else None
    streak = 0
    counted_day: date | None = None
    for i in range(len(checkins) - 1, -1, -1):
        c = checkins[i]
        if c.id in changed_at or (edited_at is not None and _moment(c.at) <= edited_at):
            break
        baseline = _baseline(plan, checkins, i)
        if not _acceptable(c, baseline, max_during, tolerance):
            break
        if counted_day is None or (counted_day - c.day).days >= gap_days:
            streak += 1
            counted_day = c.day
    return streak


def _step(plan: Plan, lib: Library, *, up: bool) -> tuple[tuple[PlanExercise, ...], list[str]]:
    """Every exercise one step up (a set, then the harder variant) or down (a set, then easier)."""
    ctx = plan.context()
    out: list[PlanExercise] = []
    changes: list[str] = []
    for item in plan.exercises:
        ex = lib.exercises.get(item.id)
        if ex is None:  # no longer in the library: keep it as prescribed
            out.append(item)
            continue
        new_item = item
        if up and item.sets < ex.dose.max_sets:
            new_item = with_sets(item, ex, item.sets + 1)
        elif not up and item.sets > 1:
            new_item = with_sets(item, ex, item.sets - 1)
        else:
            variant_id = ex.harder if up else ex.easier
            variant = lib.exercises.get(variant_id) if variant_id else None
            if variant is not None and not lib.unsuitable_reasons(variant, ctx):
                sets = variant.dose.sets if up else 1
                new_item = plan_exercise(variant, sets=sets, why=item.why, library=lib)
        if new_item != item:
            if new_item.id != item.id:
                changes.append(f"{item.name} -> {new_item.name} ({new_item.dose})")
            else:
                changes.append(f"{item.name}: {item.dose} -> {new_item.dose}")
        out.append(new_item)
    return tuple(out), changes


def _retriage(
    plan: Plan,
    latest: CheckIn,
    signs: list[tuple[str, str, TriageLevel]],
    reassess: Reassess,
    lib: Library,
) -> tuple[Plan, Decision]:
    answers = {**dict(plan.answers), **dict(latest.warning_signs)}
    assessment = reassess(answers)
    sign_level = most_urgent([action for _, _, action in signs])
    texts = tuple(text for _, text, _ in signs)
    if urgency_rank(sign_level) < urgency_rank(assessment.triage.level):
        # Never less urgent than the sign itself demands, whatever the ranking says.
        assessment = replace(
            assessment,
            triage=Triage(
                level=sign_level,
                reasons=(*texts, *assessment.triage.reasons),
                red_flags=assessment.triage.red_flags,
            ),
        )
    rebuilt = build_plan(assessment, library=lib)
    level = rebuilt.triage_level
    decision = Decision(
        action="seek_care",
        reason=(
            "You reported a warning sign at this check-in: "
            + " ".join(texts)
            + f" {rebuilt.triage_advice}"
        ),
        triage_level=level,
        checkin_id=latest.id,
        at=latest.at,
        changes=tuple(f"{e.name}: stopped for now" for e in plan.exercises),
        source="Finucane LM et al. JOSPT 2020;50(7):350-372",
    )
    new = replace(rebuilt, history=(*plan.history, decision))
    return new, decision
