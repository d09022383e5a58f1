"""Integrity of the care-plan data: strict loading, sources, references, coverage."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from painpath.careplan.library import (
    CONDITION_IDS,
    DATA_DIR,
    LibraryError,
    load_library,
    load_library_from,
)
from painpath.engine.questionnaire import load_questionnaire

DERIVED_ANSWERS = {"bmi"}


@pytest.fixture(scope="module")
def lib():
    return load_library()


def test_library_has_at_least_40_exercises_each_with_sources(lib) -> None:
    assert len(lib.exercises) >= 40
    for ex in lib.exercises.values():
        assert len(ex.source) > 20, ex.id
        assert len(ex.dose.source) > 20, ex.id
        assert len(ex.steps) >= 2, ex.id


def test_every_rule_and_advice_item_names_a_source(lib) -> None:
    for rule_id, rule in lib.rules.items():
        assert len(rule.source) > 20, rule_id
    for item in lib.advice:
        assert len(item.source) > 20, item.id
    for sign in lib.warning_signs:
        assert len(sign.source) > 20, sign.id
    for sourced in (
        lib.progression.max_pain_during,
        lib.progression.sustained_checkins,
        lib.plan.leading_probability,
        lib.irritability.high_pain_at_least,
    ):
        assert len(sourced.source) > 10


def test_library_covers_the_kinds_of_exercise_the_clinic_uses(lib) -> None:
    categories = {ex.category for ex in lib.exercises.values()}
    assert {
        "nerve_slider",
        "directional_preference",
        "flexion_bias",
        "hip_abductor",
        "trunk_endurance",
        "aerobic",
        "strength",
        "stretch",
        "mobility",
    } <= categories
    names = " ".join(ex.name.lower() for ex in lib.exercises.values())
    for needle in ("curl-up", "side bridge", "bird dog", "walking", "bike"):
        assert needle in names
    targeted = {t for ex in lib.exercises.values() for t in ex.targets}
    common = {
        "muscle_strain",
        "poor_posture",
        "arthritis",
        "herniated_disc",
        "sciatica",
        "hip_bursitis",
        "overuse",
        "lumbar_spinal_stenosis",
        "axial_spondyloarthritis",
    }
    assert common <= targeted


def test_variants_link_both_ways_and_step_in_level(lib) -> None:
    for ex in lib.exercises.values():
        if ex.harder:
            harder = lib.exercises[ex.harder]
            assert harder.level >= ex.level
            assert harder.easier == ex.id, (ex.id, harder.id)
        if ex.easier:
            assert lib.exercises[ex.easier].harder == ex.id, ex.id


def test_contraindication_answers_exist_in_the_questionnaire(lib) -> None:
    items = {item.link_id: item for item in load_questionnaire().items}
    predicates = [rule.when for rule in lib.rules.values()]
    predicates += [a.when for a in lib.advice if a.when is not None]
    for predicate in predicates:
        for link_id, codes in predicate.link_ids():
            if link_id in DERIVED_ANSWERS:
                continue
            assert link_id in items, link_id
            for code in codes:
                assert code in items[link_id].codes, (link_id, code)
    for sign in lib.warning_signs:
        for link_id in sign.answers:
            assert link_id in items, (sign.id, link_id)


def test_unsuitable_for_names_conditions_or_rules(lib) -> None:
    for ex in lib.exercises.values():
        for ref in ex.unsuitable_for:
            assert ref in CONDITION_IDS or ref in lib.rules, (ex.id, ref)


def test_drawings_are_svg_files_made_for_painpath(lib) -> None:
    drawn = [ex for ex in lib.exercises.values() if ex.drawing]
    assert len(drawn) >= 10
    for ex in drawn:
        path = lib.drawing_path(ex)
        assert path is not None and path.is_file()
        root = ET.parse(path).getroot()
        assert root.tag.endswith("svg")
        assert "PainPath" in path.read_text()


def test_lateral_hip_stretches_carry_the_lateral_hip_rule(lib) -> None:
    for ex in lib.exercises.values():
        if {"crossed_leg", "hip_adduction"} & set(ex.tags):
            assert "lateral_hip_pain" in ex.unsuitable_for, ex.id
        if {"loaded_flexion", "end_range_flexion"} & set(ex.tags):
            assert "disc_leg_pain_early" in ex.unsuitable_for, ex.id


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit_exercises(data_dir: Path, edit) -> None:
    path = data_dir / "exercises.yaml"
    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc))


def test_unknown_key_is_rejected_naming_file_entry_and_field(tmp_path) -> None:
    data = _copy_data(tmp_path)
    _edit_exercises(data, lambda d: d["exercises"][0].update({"colour": "red"}))
    with pytest.raises(LibraryError, match=r"exercises\.yaml: exercise 'pelvic_tilt': colour"):
        load_library_from(data)


def test_missing_dose_source_is_rejected(tmp_path) -> None:
    data = _copy_data(tmp_path)
    _edit_exercises(data, lambda d: d["exercises"][0]["dose"].pop("source"))
    with pytest.raises(LibraryError, match=r"'pelvic_tilt': dose\.source"):
        load_library_from(data)


def test_variant_that_does_not_exist_is_rejected(tmp_path) -> None:
    data = _copy_data(tmp_path)
    _edit_exercises(data, lambda d: d["exercises"][0].update({"harder": "no_such_exercise"}))
    with pytest.raises(LibraryError, match="harder: no exercise 'no_such_exercise'"):
        load_library_from(data)


def test_unknown_contraindication_is_rejected(tmp_path) -> None:
    data = _copy_data(tmp_path)
    _edit_exercises(data, lambda d: d["exercises"][0].update({"unsuitable_for": ["tall"]}))
    with pytest.raises(LibraryError, match="unsuitable_for: 'tall'"):
        load_library_from(data)


def test_dose_with_both_reps_and_minutes_is_rejected(tmp_path) -> None:
    data = _copy_data(tmp_path)
    _edit_exercises(data, lambda d: d["exercises"][0]["dose"].update({"minutes": 5}))
    with pytest.raises(LibraryError, match="either reps"):
        load_library_from(data)


def test_dose_text_reads_as_plain_language(lib) -> None:
    assert lib.exercises["glute_bridge"].dose.text() == "2 sets of 10 repetitions, 3 days a week"
    assert lib.exercises["bird_dog"].dose.text(3) == "3 sets of 6 holds of 10 seconds, once a day"
    assert lib.exercises["prone_lying"].dose.text() == "hold for 2 minutes, 4 times a day"
    assert lib.exercises["graded_walking"].dose.text(2) == "2 bouts of 10 minutes, 5 days a week"


def test_every_caution_is_one_whole_sentence(lib) -> None:
    posture = [c for e in lib.exercises.values() for c in e.cautions if "Posture is" in c]
    assert posture == [
        "Posture is about changing position often, not holding one position stiffly."
    ]
    for exercise in lib.exercises.values():
        for caution in exercise.cautions:
            assert caution[:1].isupper() and caution.endswith((".", "!", "?")), caution


def test_a_caution_split_at_its_comma_is_rejected(tmp_path) -> None:
    data = _copy_data(tmp_path)
    split = ["Hold behind the thigh", "not on the knee."]
    _edit_exercises(data, lambda d: d["exercises"][0].update({"cautions": split}))
    with pytest.raises(LibraryError, match="not a whole sentence"):
        load_library_from(data)
