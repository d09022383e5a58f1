"""Landing and education pages, the body map's markup, CSP and other security headers, sizes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.test import Client

from painpath.engine.knowledge import load_knowledge
from painpath.patients import bodymap

from .conftest import ROUTINE_ANSWERS, Wizard

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "intake-core.yaml"  # SPEC_DIR
STATIC = Path(__file__).resolve().parents[2] / "src" / "painpath" / "web" / "static" / "painpath"


def _spec_regions() -> list[str]:
    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return list(data["regions"])


def test_the_landing_page_says_what_painpath_is_and_is_not(client: Client, db: None) -> None:
    html = client.get("/").content.decode()
    assert "What PainPath is not" in html
    assert "not a diagnosis" in html
    assert 'href="/start/"' in html
    assert 'class="skip-link" href="#main"' in html


def test_every_condition_has_an_education_page_linked_from_the_list(
    client: Client, db: None
) -> None:
    html = client.get("/conditions/").content.decode()
    kb = load_knowledge()
    for cid, cond in kb.conditions.items():
        assert f'href="/conditions/{cid}/"' in html
        page = client.get(f"/conditions/{cid}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert cond.sources[0][:20].replace("'", "&#x27;") in body
        assert "What helps" in body or "What to do" in body


def test_an_unknown_condition_is_a_404(client: Client, db: None) -> None:
    assert client.get("/conditions/not_a_condition/").status_code == 404


def test_the_body_map_draws_every_spec_region_and_nothing_else() -> None:
    assert bodymap.regions_drawn() == set(_spec_regions())


def test_left_and_right_are_the_patients_own_sides_in_both_views() -> None:
    def centre_x(region: str, view: str) -> float:
        shape = next(s for s in bodymap.SHAPES if s.region == region and s.view == view)
        xs = [float(p.split(",")[0]) for p in shape.points.split()]
        return sum(xs) / len(xs)

    # Front view: the person faces us, so their right leg is on the left of the picture.
    assert centre_x("front_thigh_right", "front") < 80 < centre_x("front_thigh_left", "front")
    # Back view (shifted by BACK_OFFSET): their left is on the left of the picture.
    mid = 80 + bodymap.BACK_OFFSET
    assert centre_x("buttock_left", "back") < mid < centre_x("buttock_right", "back")


def test_each_body_map_region_is_a_labelled_checkbox(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 30})
    html = wizard.client.get("/start/step/2/").content.decode()
    for region in _spec_regions():
        box = re.search(
            rf'<input type="checkbox" id="pain_locations-{region}" name="pain_locations" '
            rf'value="{region}"',
            html,
        )
        assert box, region
        assert f'<label for="pain_locations-{region}">' in html
        assert f'data-region="{region}"' in html
    assert 'aria-hidden="true"' in html  # the drawing is a pointer shortcut, not the control
    assert "YOUR left and right" in html


@pytest.mark.parametrize("path", ["/", "/start/", "/conditions/"])
def test_pages_send_a_strict_content_security_policy(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["X-Frame-Options"] == "DENY"


def _all_pages(wizard: Wizard) -> list[str]:
    wizard.start()
    pages = [wizard.client.get(f"/start/step/{n}/").content.decode() for n in (1,)]
    wizard.answer_all(ROUTINE_ANSWERS)
    pages.append(wizard.client.get("/start/step/2/").content.decode())
    pages.append(wizard.client.get("/start/review/").content.decode())
    location = wizard.submit()["Location"]
    pages.append(wizard.client.get(location).content.decode())
    pages.append(wizard.client.get("/").content.decode())
    pages.append(wizard.client.get("/conditions/sciatica/").content.decode())
    return pages


def test_no_page_has_inline_script_or_style_or_third_party_urls(wizard: Wizard) -> None:
    for html in _all_pages(wizard):
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert " style=" not in html and "<style" not in html
        assert not re.search(r" on[a-z]+=", html)
        assert not re.search(r'(src|href)="(https?:)?//', html)


def test_every_form_carries_a_csrf_token(wizard: Wizard) -> None:
    for html in _all_pages(wizard):
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.DOTALL):
            assert 'name="csrfmiddlewaretoken"' in form


def test_a_post_without_csrf_token_is_refused(db: None) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/start/", {"action": "new"}).status_code == 403


def test_each_page_with_its_css_and_script_stays_under_200_kb(wizard: Wizard) -> None:
    assets = sum(len((STATIC / name).read_bytes()) for name in ("site.css", "painpath.js"))
    for html in _all_pages(wizard):
        assert len(html.encode()) + assets < 200 * 1024


def test_a_missing_page_is_a_friendly_404(client: Client, db: None) -> None:
    response = client.get("/r/" + "B" * 43 + "/")
    assert response.status_code == 404
    assert "We could not find this page" in response.content.decode()


def test_a_form_sent_without_a_valid_csrf_token_gets_a_plain_explanation(db: None) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/start/", {"action": "new"})
    assert response.status_code == 403
    assert "Please try again" in response.content.decode()
