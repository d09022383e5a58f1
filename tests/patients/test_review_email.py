"""The review step's optional email is validated like Django's EmailField (254 characters at
most): a longer one is refused on the email box, nothing is submitted and no mail goes out."""

from __future__ import annotations

from django.core import mail

from painpath.engine.questionnaire import load_questionnaire
from painpath.patients.models import IntakeDraft, IntakeRecord
from painpath.patients.views import ReviewForm

from .conftest import Wizard


def test_an_email_longer_than_254_characters_is_refused_on_the_email_box(
    wizard: Wizard,
) -> None:
    wizard.start()
    draft = IntakeDraft.objects.get()
    draft.furthest_step = len(load_questionnaire().steps)
    draft.save()
    too_long = "a" * 300 + "@example.com"  # 312 characters
    response = wizard.client.post(
        "/start/review/", {"submission_key": draft.submission_key, "email": too_long}
    )
    assert response.status_code == 200
    html = response.content.decode()
    error = html[html.index('id="email-error"') :][:400]
    assert "This email address is too long (at most 254 characters)" in error
    assert 'href="#id_email"' in html
    assert "We are sending the private link" not in html
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()  # nothing lost
    assert not IntakeRecord.objects.exists()  # nor submitted
    assert not mail.outbox
    longest = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".org"
    assert len(longest) == 254
    assert ReviewForm({"email": longest}).is_valid()
    assert not ReviewForm({"email": longest[:-4] + "x.org"}).is_valid()
