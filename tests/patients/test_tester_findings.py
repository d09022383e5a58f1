"""Problems a product tester found using the app as a patient on a phone, one test each.

1. The emergency "call" box must be a real ``tel:`` link (PAINPATH_EMERGENCY_NUMBER); urgent
   advice offers the clinic's phone.
2. Back after sending, or a later visit to / or /start/, leads back to the result this device
   sent; the result page says how to keep its private link.
3. Serious conditions are never "More likely"; published figures are said plainly; a serious
   condition is not listed for nothing; a calm line says serious causes were checked.
4. No ".:" in error lines; under-16s get a page, not a range error; advice is not repeated;
   hidden questions are not listed on the check page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from painpath.engine.knowledge import load_knowledge
from painpath.patients.models import IntakeDraft, IntakeRecord
from painpath.patients.results import dedupe_advice, one_in, result_view, tel_href

from .conftest import ROUTINE_ANSWERS, Wizard, step_number

#: A 35-year-old's lifting strain, no warning sign: self-care.
STRAIN: dict[str, Any] = {
    **{k: v for k, v in ROUTINE_ANSWERS.items() if k != "numbness_tingling_locations"},
    "age": 35,
    "pain_locations": ["low_back_left", "low_back_right"],
    "worst_area": "back",
    "numbness_any": False,
    "pain_quality": ["dull_ache"],
    "worse_with": ["bending_forward"],
    "pain_now": 4,
    "pain_worst_week": 5,
    "duration_days": 3,
}
#: A past cancer and weight loss at 62: urgent, cancer in the spine to rule out.
CANCER: dict[str, Any] = {
    **ROUTINE_ANSWERS,
    "age": 62,
    "history_cancer": True,
    "unexplained_weight_loss": True,
}
#: Saddle numbness: emergency.
CAUDA_EQUINA: dict[str, Any] = {**ROUTINE_ANSWERS, "saddle_numbness": True}


def _result(wizard: Wizard, answers: dict[str, Any]) -> str:
    """Walk the wizard with ``answers`` (finishing at the check page if urgent); the result
    page's HTML."""
    wizard.start()
    response = wizard.answer_all(answers)
    location = str(response["Location"])
    if location.endswith("/start/check/"):
        response = wizard.client.post("/start/check/", {"action": "finish"})
        location = str(response["Location"])
    elif location.endswith("/start/review/"):
        location = str(wizard.submit()["Location"])
    assert re.fullmatch(r"/r/[A-Za-z0-9_-]{43}/", location), location
    return str(wizard.client.get(location).content.decode())


def _section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


# ---------------------------------------------------------------- 1. call buttons


def test_the_emergency_call_box_is_a_tel_link_to_the_configured_number(wizard: Wizard) -> None:
    html = _result(wizard, CAUDA_EQUINA)
    triage = _section(html, "triage")
    assert re.search(r'<a class="button emergency-call" href="tel:911">Call 911 now</a>', triage)
    assert "local emergency number" in triage  # people elsewhere are told what to do
    assert '<p class="emergency-call">' not in html  # no fake button any more


def test_the_emergency_number_is_a_setting(wizard: Wizard, settings: Any) -> None:
    settings.PAINPATH_EMERGENCY_NUMBER = "112"
    html = _result(wizard, CAUDA_EQUINA)
    assert 'href="tel:112">Call 112 now</a>' in html


def test_urgent_advice_offers_the_clinics_phone_as_a_tel_link(wizard: Wizard) -> None:
    from painpath.clinic.models import Clinic

    Clinic.objects.create(name="Riverbend PT", address="1 Main St", phone="+1 555 0100")
    html = _result(wizard, CANCER)
    triage = _section(html, "triage")
    assert "triage-urgent" in html
    assert 'href="tel:+15550100"' in triage
    assert "Riverbend PT" in triage


def test_phone_numbers_become_dialable_links() -> None:
    assert tel_href("+1 (555) 010-0") == "tel:+15550100"
    assert tel_href("911") == "tel:911"


# ------------------------------------------------------------- 2. finding the result again


def test_back_after_sending_leads_to_the_result_not_a_dead_end(wizard: Wizard) -> None:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    location = str(wizard.submit()["Location"])
    cookie = wizard.client.cookies["painpath_results"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert location.strip("/").split("/")[-1] not in cookie.value.split(":")[-1]  # signed
    # The browser's Back button: the review page, whose draft is gone.
    back = wizard.client.get("/start/review/", follow=True)
    html = back.content.decode()
    assert "We could not find your answers" not in html
    assert "You already sent your answers" in html
    assert f'href="{location}"' in html
    assert 'value="new"' in html  # a new intake can still be started
    home = wizard.client.get("/")
    assert f'href="{location}"' in home.content.decode()
    assert "no-store" in home["Cache-Control"]


def test_a_device_can_be_told_to_forget_its_results(wizard: Wizard) -> None:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    location = str(wizard.submit()["Location"])
    wizard.client.post("/start/", {"action": "forget"})
    html = wizard.client.get("/start/").content.decode()
    assert location not in html
    assert "You already sent your answers" not in html


def test_a_deleted_or_forged_result_is_not_offered(wizard: Wizard, client: Client) -> None:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    wizard.submit()
    IntakeRecord.objects.all().delete()
    assert "You already sent your answers" not in wizard.client.get("/start/").content.decode()
    client.cookies["painpath_results"] = "A" * 43  # unsigned: ignored
    assert "You already sent your answers" not in client.get("/start/").content.decode()


def test_the_result_page_says_how_to_keep_the_private_link(wizard: Wizard) -> None:
    html = _result(wizard, ROUTINE_ANSWERS)
    keep = _section(html, "keep-link")
    assert "Save this private link" in keep
    assert re.search(r'<input class="private-link" id="private-link" type="text" readonly', keep)
    # The copy button needs script: hidden in the HTML, shown by painpath.js.
    assert re.search(r'<button type="button"[^>]*data-copy="private-link" hidden>', keep)
    # Non-emergency: right after the advice box, before the causes.
    assert html.index('id="keep-link"') < html.index('id="causes"')


# ------------------------------------------------------------------ 3. wording of causes


def test_a_serious_condition_a_red_flag_named_is_to_be_ruled_out_not_more_likely(
    wizard: Wizard,
) -> None:
    html = _result(wizard, CANCER)
    causes = _section(html, "causes")
    first = causes.split('<li class="cause">')[1]
    assert "Cancer in the spine" in first  # what the advice box is about comes first
    assert 'class="band band-ruleout">Needs to be ruled out' in first
    assert "More likely" not in first and "Possible" not in first
    assert "in 100 people with it" not in html
    assert re.search(
        r"Of people with this warning sign \(a past cancer\), about 1 in \d+ turned out to "
        r"have cancer in the spine in published studies\.",
        first,
    )


def test_a_self_care_strain_lists_no_serious_condition_and_says_so_calmly(
    wizard: Wizard,
) -> None:
    html = _result(wizard, STRAIN)
    assert "triage-self_care" in html
    causes = _section(html, "causes")
    serious = [c for c in load_knowledge().conditions.values() if c.category == "serious"]
    for condition in serious:
        assert condition.name not in causes, condition.name
    assert "We also checked for signs of serious causes and found none in your answers." in causes


def _assessment(probability: float, flagged: bool = False) -> dict[str, Any]:
    flags = [{"id": "x", "level": "urgent", "conditions": ["spinal_fracture"]}] if flagged else []
    return {
        "triage": {"level": "urgent" if flagged else "routine", "reasons": [], "red_flags": flags},
        "conditions": [
            {"id": "muscle_strain", "probability": 0.6, "evidence": []},
            {"id": "poor_posture", "probability": 0.3, "evidence": []},
            {"id": "overuse", "probability": 0.2, "evidence": []},
            {"id": "spinal_fracture", "probability": probability, "evidence": []},
        ],
        "unknown": [],
    }


@pytest.mark.django_db
def test_serious_conditions_show_from_the_concern_floor_or_when_a_red_flag_names_them() -> None:
    floor = load_knowledge().concern_floor.probability
    below = result_view(_assessment(floor - 0.01))
    assert "spinal_fracture" not in [c.id for c in below.causes + below.other_causes]
    at = result_view(_assessment(floor))
    assert (at.causes[0].id, at.causes[0].band) == ("spinal_fracture", "check")
    named = result_view(_assessment(0.01, flagged=True))
    assert (named.causes[0].id, named.causes[0].band) == ("spinal_fracture", "ruleout")
    assert named.serious_checked == ""  # a red flag fired: no "found none"


def test_unanswered_warning_signs_are_not_reported_as_found_none() -> None:
    assessment = _assessment(0.0)
    assessment["unknown"] = ["saddle_numbness"]
    view = result_view(assessment)
    assert "not answered" in view.serious_checked


def test_published_figures_read_as_natural_frequencies() -> None:
    assert one_in(0.33) == "about 1 in 3"
    assert one_in(0.28) == "about 1 in 4"
    assert one_in(0.6) == "about 6 in 10"


# ------------------------------------------------------------------- 4. wording and forms


def test_error_lines_have_no_double_punctuation(wizard: Wizard) -> None:
    wizard.start()
    number = wizard.unlock("pain_now")
    response = wizard.client.post(f"/start/step/{number}/", {"action": "next", "pain_now": "11"})
    summary = response.content.decode().split('class="error-summary"', 1)[1].split("</div>")[0]
    assert "imagine:</a> Please enter" in summary
    assert not re.search(r"[.?!]:", summary)


def test_an_under_16_gets_advice_not_a_range_error(wizard: Wizard) -> None:
    wizard.start()
    response = wizard.client.post("/start/step/1/", {"action": "next", "age": "15"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "PainPath is for people aged 16 and over" in html
    assert "from 16 to 110" not in html
    assert "doctor" in html
    assert 'href="tel:911"' in html  # emergency help for severe symptoms
    assert not IntakeDraft.objects.exists()  # nothing about the child is kept
    assert wizard.client.get("/start/step/2/").status_code == 302


def test_get_help_sooner_says_each_thing_once(wizard: Wizard) -> None:
    html = _result(wizard, STRAIN)
    advice = _section(html, "triage") + _section(html, "seek-help")
    assert len(re.findall(r"not clearly better", advice)) == 1


def test_rewordings_of_the_same_advice_are_merged() -> None:
    lines = [
        "you are not clearly better after two weeks",
        "pain spreads down a leg",
        "the pain is not clearly better after two weeks of changes",
        "leg pain is not easing after four to six weeks",
    ]
    assert dedupe_advice(lines) == [
        "the pain is not clearly better after two weeks of changes",
        "pain spreads down a leg",
        "leg pain is not easing after four to six weeks",
    ]
    said = ["Book an assessment if you are not clearly better within 2 weeks."]
    assert dedupe_advice(lines, said) == [
        "pain spreads down a leg",
        "leg pain is not easing after four to six weeks",
    ]


def test_the_check_page_does_not_list_hidden_questions(wizard: Wizard) -> None:
    wizard.start()
    wizard.answer_all({**ROUTINE_ANSWERS, "numbness_any": False})
    html = wizard.client.get("/start/review/").content.decode()
    assert "Do you have numbness or pins and needles anywhere?" in html
    assert "Where do you feel numbness" not in html
    assert step_number("numbness_tingling_locations") > 0


# ------------------------------------------------------------- 5. first-visit speed


def test_a_first_visit_of_a_result_is_one_query_without_engine_or_yaml(
    wizard: Wizard, django_assert_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    location = str(wizard.submit()["Location"])
    wizard.client.get(location)  # templates and knowledge base loaded once per process

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the result page must not redo this per request")

    import yaml

    import painpath.engine

    monkeypatch.setattr(painpath.engine, "assess", forbidden)
    monkeypatch.setattr(yaml, "safe_load", forbidden)
    monkeypatch.setattr(yaml, "load", forbidden)
    with django_assert_num_queries(1):
        response = wizard.client.get(location)
    assert response.status_code == 200
    assert "triage-routine" in response.content.decode()
