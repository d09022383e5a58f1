"""``painpath manage staffuser``: one role per account, passwords never on the command line."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from painpath.staff.access import FRONT_DESK_GROUP, THERAPISTS_GROUP, set_staff_role

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "correct horse battery staple 7"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("staffuser", *args, stdout=out)
    return out.getvalue()


def test_a_new_therapist_gets_the_role_and_the_password_from_stdin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD_PASSWORD + "\n"))
    out = _run("kim", "--role", "therapist", "--email", "kim@clinic.example", "--password-stdin")
    user = User.objects.get(username="kim")
    assert "created kim (Therapists)" in out
    assert user.check_password(GOOD_PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [THERAPISTS_GROUP]
    assert user.has_perm("staff.view_patient_intakes")
    assert not user.is_staff  # no Django admin access from a clinical role


def test_changing_the_role_removes_the_old_one_and_keeps_the_password() -> None:
    user, created = set_staff_role("lee", "therapist", password=GOOD_PASSWORD)
    assert created
    user, created = set_staff_role("lee", "front_desk")
    assert not created
    assert list(user.groups.values_list("name", flat=True)) == [FRONT_DESK_GROUP]
    fresh = User.objects.get(pk=user.pk)
    assert fresh.check_password(GOOD_PASSWORD)
    assert not fresh.has_perm("staff.view_patient_intakes")
    assert fresh.has_perm("staff.view_clinic_schedule")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["nopass", "--role", "therapist"], "", "password: a new account needs a password"),
        (["weak", "--role", "therapist", "--password-stdin"], "123\n", "password: "),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str, message: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not User.objects.exists()


def test_an_unknown_role_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(ValueError, match="role"):
        set_staff_role("x", "janitor", password=GOOD_PASSWORD)
    with pytest.raises(CommandError):
        _run("x", "--role", "janitor")
