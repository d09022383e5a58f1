"""Height and weight in feet + inches or pounds: converted on the server to the spec's whole
centimetres and kilograms (half up), with range errors worded in the unit the person used."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from painpath.engine.questionnaire import load_questionnaire
from painpath.patients.forms import read_step
from painpath.patients.models import IntakeDraft

from .conftest import Wizard

QUESTIONNAIRE = load_questionnaire()
STEP = QUESTIONNAIRE.step_of("height_cm")


def read(**fields: str) -> tuple[dict[str, object], dict[str, str]]:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data[name] = value
    form = read_step(STEP, data, [QUESTIONNAIRE.item("height_cm"), QUESTIONNAIRE.item("weight_kg")])
    return form.answers, form.errors


@pytest.mark.parametrize(
    ("fields", "height"),
    [
        ({"height_cm__ft": "5", "height_cm__in": "9"}, 175),  # 69 in = 175.26 cm
        ({"height_cm__ft": "5", "height_cm__in": "10"}, 178),  # 177.8 cm
        ({"height_cm__ft": "6"}, 183),  # 182.88 cm, blank inches = 0
        ({"height_cm__ft": "", "height_cm__in": "70"}, 178),
        ({"height_cm__ft": "3", "height_cm__in": "4"}, 102),  # the lowest accepted
        ({"height_cm__ft": "8", "height_cm__in": "2"}, 249),  # the highest accepted
    ],
)
def test_feet_and_inches_become_whole_centimetres(fields: dict[str, str], height: int) -> None:
    answers, errors = read(height_cm__unit="ft_in", **fields)
    assert errors == {}
    assert answers == {"height_cm": height}


@pytest.mark.parametrize(
    ("pounds", "kilograms"),
    [("160", 73), ("55", 25), ("772", 350), ("1", None), ("773", None)],
)
def test_pounds_become_whole_kilograms(pounds: str, kilograms: int | None) -> None:
    # 160 lb = 72.57 kg; 55 lb = 24.95 kg (half up: 25); 772 lb = 350.17 kg; 773 lb = 350.62.
    answers, errors = read(weight_kg__unit="lb", weight_kg__lb=pounds)
    if kilograms is None:
        assert answers == {}
        assert errors == {"weight_kg": "Please enter a weight from 55 lb to 772 lb."}
    else:
        assert errors == {}
        assert answers == {"weight_kg": kilograms}


def test_half_a_centimetre_rounds_up() -> None:
    # 75 in = 190.5 cm exactly: half up gives 191 (banker's rounding would give 190).
    answers, _ = read(height_cm__unit="ft_in", height_cm__ft="6", height_cm__in="3")
    assert answers == {"height_cm": 191}
    answers, _ = read(height_cm__unit="ft_in", height_cm__in="73")  # 185.42 -> 185
    assert answers == {"height_cm": 185}


def test_out_of_range_and_bad_input_name_the_field_in_the_unit_used() -> None:
    _, errors = read(height_cm__unit="ft_in", height_cm__ft="9")
    assert errors == {"height_cm": "Please enter a height from 3 ft 4 in to 8 ft 2 in."}
    _, errors = read(height_cm__unit="ft_in", height_cm__ft="5", height_cm__in="9.5")
    assert errors == {
        "height_cm": "Please enter the height in whole numbers (digits only), "
        "from 3 ft 4 in to 8 ft 2 in."
    }
    # Centimetres keep their own message.
    _, errors = read(height_cm="300")
    assert errors == {"height_cm": "Please enter a number from 100 to 250 cm."}


def test_the_filled_boxes_win_unless_both_units_were_typed() -> None:
    # Radio left on centimetres but only feet/inches typed: the typed answer is not dropped.
    answers, _ = read(height_cm__unit="cm", height_cm__ft="5", height_cm__in="9")
    assert answers == {"height_cm": 175}
    # Both typed: the radio decides.
    answers, _ = read(height_cm__unit="cm", height_cm="170", height_cm__ft="5")
    assert answers == {"height_cm": 170}
    answers, _ = read(height_cm__unit="ft_in", height_cm="170", height_cm__ft="6")
    assert answers == {"height_cm": 183}
    # Nothing typed: unanswered, whatever the radio says.
    answers, errors = read(height_cm__unit="ft_in", weight_kg__unit="lb")
    assert answers == {} and errors == {}


def test_the_step_offers_the_unit_choice_and_stores_spec_units(wizard: Wizard) -> None:
    wizard.start()
    number = wizard.unlock("height_cm")
    html = wizard.client.get(f"/start/step/{number}/").content.decode()
    assert re.search(r'name="height_cm__unit" value="cm" checked', html)
    assert 'name="height_cm__unit" value="ft_in"' in html
    for name in ("height_cm", "height_cm__ft", "height_cm__in", "weight_kg", "weight_kg__lb"):
        assert f'name="{name}"' in html
    response = wizard.client.post(
        f"/start/step/{number}/",
        {
            "action": "next",
            "height_cm__unit": "ft_in",
            "height_cm__ft": "5",
            "height_cm__in": "9",
            "weight_kg__unit": "lb",
            "weight_kg__lb": "160",
        },
    )
    assert response.status_code == 302
    answers = IntakeDraft.objects.get().answers
    assert answers["height_cm"] == 175 and answers["weight_kg"] == 73


def test_an_error_shows_the_pounds_typed_and_keeps_the_choice(wizard: Wizard) -> None:
    wizard.start()
    number = wizard.unlock("weight_kg")
    response = wizard.client.post(
        f"/start/step/{number}/",
        {"action": "next", "weight_kg__unit": "lb", "weight_kg__lb": "900"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a weight from 55 lb to 772 lb." in html
    assert re.search(r'name="weight_kg__unit" value="lb" checked', html)
    assert re.search(r'name="weight_kg__lb" value="900"', html)
    assert "weight_kg" not in IntakeDraft.objects.get().answers


@pytest.mark.parametrize(
    ("typed", "kilograms"),
    [("82.5", 83), ("82,4", 82), ("70.0", 70), ("82", 82)],
)
def test_a_metric_weight_with_decimals_is_rounded_half_up(typed: str, kilograms: int) -> None:
    answers, errors = read(weight_kg=typed)
    assert errors == {}
    assert answers == {"weight_kg": kilograms}


@pytest.mark.parametrize("typed", ["82.5.1", "8e1", "-82.5", "82.", ".5", "eighty"])
def test_other_metric_text_is_still_refused(typed: str) -> None:
    _, errors = read(weight_kg=typed)
    assert "whole number (digits only)" in errors["weight_kg"]
