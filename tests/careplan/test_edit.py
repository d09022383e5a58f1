"""A therapist's edits of a plan (painpath.careplan.edit): rules, doses, rebuild, progression."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from careplan.helpers import OUTER_HIP_BACK_ANSWERS, make_assessment
from painpath.careplan.edit import (
    NOTE_MAX_LENGTH,
    DoseChange,
    PlanEdit,
    PlanEditError,
    apply_edit,
    check_edit,
    dose_bounds,
    therapist_rebuild,
)
from painpath.careplan.library import load_library
from painpath.careplan.plan import Plan, build_plan
from painpath.careplan.progression import CheckIn, progress
from painpath.engine.assessment import RankedCondition

LIB = load_library()
ANSWERS = OUTER_HIP_BACK_ANSWERS
AT = "2026-01-10T15:00:00+00:00"


@pytest.fixture
def plan() -> Plan:
    return build_plan(make_assessment(ANSWERS, [("overuse", 0.7)]))


def ids(plan: Plan) -> list[str]:
    return [e.id for e in plan.exercises]


def fields(problems) -> list[str]:
    return [p.field for p in problems]


def test_remove_add_and_redose_make_a_therapist_version(plan: Plan) -> None:
    first, second = plan.exercises[0], plan.exercises[1]
    assert first.id == "bird_dog" and first.reps == 6 and first.per_day == 1
    edit = PlanEdit(
        remove=(second.id,),
        add=("cat_camel",),
        doses={first.id: DoseChange(sets=3, reps=8, hold_seconds=8)},
        note="  Keep the bird dog slow.\r\nCall us if it hurts.  ",
    )
    new, decision = apply_edit(plan, edit, triage_level="routine", at=AT)

    assert ids(new) == [first.id, *ids(plan)[2:], "cat_camel"]
    bird = new.exercises[0]
    assert (bird.sets, bird.reps, bird.hold_seconds) == (3, 8, 8)
    assert bird.dose == "3 sets of 8 holds of 8 seconds, once a day"
    added = new.exercises[-1]
    assert added.why == "Added by your physical therapist."
    assert added.dose == LIB.exercises["cat_camel"].dose.text()
    assert decision.action == "therapist_edit" and decision.at == AT
    assert decision.checkin_id is None
    assert decision.changes == (
        f"{second.name}: removed",
        f"Bird dog: {first.dose} -> 3 sets of 8 holds of 8 seconds, once a day",
        f"Cat-camel: added ({added.dose})",
    )
    assert new.history == (*plan.history, decision)
    assert new.therapist_note == "Keep the bird dog slow.\nCall us if it hurts."
    assert new.therapist_updated_at == AT
    assert new.exercise_note == "Exercises set by your physical therapist."
    # The original is untouched (frozen) and the JSON form round-trips.
    assert ids(plan)[1] == second.id
    assert Plan.from_dict(new.to_dict()) == new


def test_changes_name_every_change(plan: Plan) -> None:
    first, second = plan.exercises[0], plan.exercises[1]
    edit = PlanEdit(remove=(second.id,), doses={first.id: DoseChange(sets=3)})
    _new, decision = apply_edit(plan, edit, triage_level="routine", at=AT)
    assert decision.changes == (
        f"{second.name}: removed",
        f"{first.name}: {first.dose} -> 3 sets of 6 holds of 10 seconds, once a day",
    )


def test_an_unsuitable_exercise_is_refused_naming_it_and_the_reason(plan: Plan) -> None:
    problems = check_edit(plan, PlanEdit(add=("piriformis_stretch",)), triage_level="routine")
    assert fields(problems) == ["add"]
    reason = LIB.rules["lateral_hip_pain"].reason
    assert problems[0].message == (
        f"{LIB.exercises['piriformis_stretch'].name} is not suitable for this person: {reason}."
    )
    with pytest.raises(PlanEditError, match=r"add: .*squeezes the tendons"):
        apply_edit(plan, PlanEdit(add=("piriformis_stretch",)), triage_level="routine", at=AT)


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_emergency_or_urgent_refuses_adding_and_the_version_has_no_exercises(
    plan: Plan, level: str
) -> None:
    problems = check_edit(plan, PlanEdit(add=("cat_camel",)), triage_level=level)  # type: ignore[arg-type]
    assert fields(problems) == ["add"]
    assert f"the current triage is {level}" in problems[0].message
    # A note alone is saved, and the exercises left from the routine plan stop.
    new, decision = apply_edit(
        plan, PlanEdit(note="Please see your doctor today."), triage_level=level, at=AT
    )  # type: ignore[arg-type]
    assert new.exercises == ()
    assert new.triage_level == level
    assert new.exercise_note.startswith("No exercises")
    assert all(c.endswith("stopped for now") for c in decision.changes)
    assert len(decision.changes) == len(plan.exercises)
    redose = PlanEdit(doses={"bird_dog": DoseChange(sets=2)})
    problems = check_edit(plan, redose, triage_level=level)  # type: ignore[arg-type]
    assert fields(problems) == ["dose.bird_dog"]
    assert problems[0].message.startswith("Bird dog: the dose cannot change")


def test_the_plan_keeps_between_one_and_the_maximum(plan: Plan) -> None:
    everything = PlanEdit(remove=tuple(ids(plan)))
    problems = check_edit(plan, everything, triage_level="routine")
    assert fields(problems) == ["remove"]
    assert "at least 1 exercise" in problems[0].message

    largest = LIB.plan.max_exercises
    candidates = [
        i
        for i in LIB.exercises
        if not LIB.unsuitable_reasons(LIB.exercises[i], plan.context())
        and all(LIB.chain(i) != LIB.chain(j) for j in ids(plan))
    ]
    # One exercise per chain of variants, so the additions do not refuse each other.
    by_chain = list({LIB.chain(i): i for i in candidates}.values())
    room = largest - len(plan.exercises)
    assert check_edit(plan, PlanEdit(add=tuple(by_chain[:room])), triage_level="routine") == []
    problems = check_edit(plan, PlanEdit(add=tuple(by_chain[: room + 1])), triage_level="routine")
    assert fields(problems) == ["add"]
    assert f"at most {largest} exercises" in problems[0].message


def test_unknown_duplicate_and_variant_exercises_are_refused(plan: Plan) -> None:
    edit = PlanEdit(
        remove=("not_there",),
        add=("no_such_exercise", "bird_dog", "bird_dog_basic", "cat_camel", "cat_camel"),
    )
    problems = check_edit(plan, edit, triage_level="routine")
    messages = [p.message for p in problems]
    assert fields(problems) == ["remove", "add", "add", "add", "add"]
    assert messages[0] == "'not_there' is not in the plan."
    assert messages[1] == "'no_such_exercise' is not an exercise of the library."
    assert messages[2] == "Bird dog is already in the plan."
    assert messages[3].startswith(
        f"{LIB.exercises['bird_dog_basic'].name} is a variant of Bird dog"
    )
    assert messages[4] == "Cat-camel is already in the plan."


def test_dose_bounds_come_from_the_exercise_data() -> None:
    bird = LIB.exercises["bird_dog"]
    assert dose_bounds(bird) == {
        "sets": (1, bird.dose.max_sets),
        "reps": (1, 30),
        "hold_seconds": (1, 120),
        "per_day": (1, 6),
    }
    walking = LIB.exercises["graded_walking"]
    assert dose_bounds(walking) == {
        "sets": (1, walking.dose.max_sets),
        "minutes": (1, 60),
        "per_week": (1, 7),
    }


def test_each_dose_error_names_the_exercise_and_the_part(plan: Plan) -> None:
    bird = plan.exercises[0]
    top = LIB.exercises[bird.id].dose.max_sets
    edit = PlanEdit(
        doses={
            bird.id: DoseChange(sets=top + 1, reps=0, hold_seconds=121, per_week=3),
            "cat_camel": DoseChange(sets=1),
        }
    )
    problems = check_edit(plan, edit, triage_level="routine")
    by_field = {p.field: p.message for p in problems}
    assert by_field == {
        "dose.bird_dog.sets": f"Bird dog: sets must be a whole number from 1 to {top} (the "
        f"library's maximum for this exercise); got {top + 1}.",
        "dose.bird_dog.reps": "Bird dog: repetitions per set must be a whole number from 1 to "
        "30; got 0.",
        "dose.bird_dog.hold_seconds": "Bird dog: hold (seconds) must be a whole number from 1 "
        "to 120; got 121.",
        "dose.bird_dog.per_week": "Bird dog: days a week does not apply to it.",
        "dose.cat_camel": "'cat_camel' is not in the plan after this change.",
    }


def test_a_dose_for_an_exercise_added_in_the_same_save_applies(plan: Plan) -> None:
    edit = PlanEdit(add=("cat_camel",), doses={"cat_camel": DoseChange(reps=12)})
    new, decision = apply_edit(plan, edit, triage_level="routine", at=AT)
    assert new.exercises[-1].reps == 12
    assert decision.changes[-1] == f"Cat-camel: added ({new.exercises[-1].dose})"
    assert "12 repetitions" in new.exercises[-1].dose


def test_note_rules_and_nothing_to_save(plan: Plan) -> None:
    too_long = PlanEdit(note="x" * (NOTE_MAX_LENGTH + 1))
    assert fields(check_edit(plan, too_long, triage_level="routine")) == ["note"]
    control = PlanEdit(note="hello\x07")
    assert fields(check_edit(plan, control, triage_level="routine")) == ["note"]
    assert fields(check_edit(plan, PlanEdit(note="   "), triage_level="routine")) == ["edit"]
    new, decision = apply_edit(plan, PlanEdit(note="Well done."), triage_level="self_care", at=AT)
    assert new.exercises == plan.exercises and decision.changes == ()
    assert new.exercise_note == plan.exercise_note
    assert new.therapist_note == "Well done."


def test_rebuild_for_the_confirmed_condition(plan: Plan) -> None:
    assessment = make_assessment(ANSWERS, [("overuse", 0.7), ("hip_bursitis", 0.2)])
    confirmed = RankedCondition("hip_bursitis", "Greater trochanteric pain syndrome", 0.2)
    rebuilt = build_plan(assessment, confirmed=confirmed)
    assert rebuilt.leading == (("hip_bursitis", "Greater trochanteric pain syndrome", 0.2),)
    assert {e.category for e in rebuilt.exercises} & {"hip_abductor"}
    assert "the cause your physical therapist confirmed" in rebuilt.exercise_note
    new, decision = therapist_rebuild(plan, rebuilt, note="New plan for your hip.", at=AT)
    assert decision.action == "therapist_edit"
    assert decision.reason == (
        "Your physical therapist rebuilt your plan for Greater trochanteric pain syndrome."
    )
    assert new.history == (*plan.history, decision)
    assert new.exercises == rebuilt.exercises
    assert new.therapist_note == "New plan for your hip."
    with pytest.raises(PlanEditError, match="note"):
        therapist_rebuild(plan, rebuilt, note="x" * (NOTE_MAX_LENGTH + 1), at=AT)


def test_rebuild_keeps_the_serious_cause_rule() -> None:
    assessment = make_assessment(ANSWERS, [("spinal_malignancy", 0.3), ("overuse", 0.5)])
    confirmed = RankedCondition("overuse", "Overuse", 0.5)
    assert build_plan(assessment, confirmed=confirmed).exercises == ()
    serious = RankedCondition("spinal_malignancy", "Spinal malignancy", 0.3)
    quiet = make_assessment(ANSWERS, [("overuse", 0.7), ("spinal_malignancy", 0.01)])
    assert build_plan(quiet, confirmed=serious).exercises == ()
    # Ranked first by the engine but rare: the therapist's confirmed cause takes first place.
    first = make_assessment(ANSWERS, [("spinal_malignancy", 0.08), ("overuse", 0.05)])
    assert build_plan(first).exercises == ()
    assert build_plan(first, confirmed=RankedCondition("overuse", "Overuse", 0.05)).exercises


START = datetime.fromisoformat("2026-01-01T09:00:00+00:00")


def ci(n: int, day: int) -> CheckIn:
    at = (START + timedelta(days=day)).isoformat()
    return CheckIn(id=f"c{n}", at=at, pain_now=4, pain_during=3, pain_next_morning=4)


def test_progression_continues_from_the_therapist_version(plan: Plan) -> None:
    bird = plan.exercises[0]
    good = [ci(1, 0)]
    held, _ = progress(plan, good)
    # The therapist edits after the first good check-in: it no longer counts for a step up.
    edit = PlanEdit(doses={bird.id: DoseChange(reps=8, hold_seconds=15)})
    edited, _ = apply_edit(
        held, edit, triage_level="routine", at=(START + timedelta(days=1)).isoformat()
    )
    after_one, decision = progress(edited, [*good, ci(2, 4)])
    assert decision.action == "hold"
    stepped, decision = progress(after_one, [*good, ci(2, 4), ci(3, 8)])
    assert decision.action == "step_up"
    new_bird = stepped.exercises[0]
    # The therapist's repetitions and hold survive the step up (a set more).
    assert (new_bird.sets, new_bird.reps, new_bird.hold_seconds) == (2, 8, 15)
    assert new_bird.dose == "2 sets of 8 holds of 15 seconds, once a day"
    assert stepped.therapist_note == edited.therapist_note
    assert stepped.exercise_note.startswith("Exercises set by your physical therapist. Since then")


def test_a_plan_stored_before_dose_parts_gets_the_library_parts(plan: Plan) -> None:
    data = plan.to_dict()
    for item in data["exercises"]:
        for part in ("reps", "hold_seconds", "minutes", "per_day", "per_week"):
            del item[part]
    old = Plan.from_dict(data)
    assert old.exercises[0].reps is None
    new, _ = apply_edit(
        old, PlanEdit(doses={"bird_dog": DoseChange(sets=2)}), triage_level="routine", at=AT
    )
    assert new.exercises[0].dose == "2 sets of 6 holds of 10 seconds, once a day"
    assert replace(new.exercises[0], sets=1).reps == 6


def test_the_handout_shows_the_therapist_update_and_note(plan: Plan) -> None:
    import io
    import re

    import pypdf

    from painpath.careplan.pdf import render_pdf

    new, _ = apply_edit(
        plan, PlanEdit(note="Walk daily.\nSee you soon."), triage_level="routine", at=AT
    )
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(new)))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Your physical therapist updated your plan on Saturday, January 10" in text
    assert "Walk daily. See you soon." in text
    labelled = render_pdf(new, day_label=lambda at: f"day of {at[:10]}")
    reader = pypdf.PdfReader(io.BytesIO(labelled))
    assert "updated your plan on day of 2026-01-10" in reader.pages[0].extract_text()
    untouched = pypdf.PdfReader(io.BytesIO(render_pdf(plan))).pages[0].extract_text()
    assert "physical therapist updated" not in untouched
