"""Check-ins racing for one plan: each stored once, plan versions numbered without gaps."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from checkins.conftest import make_person
from painpath.checkins import services
from painpath.checkins.models import CheckIn, PlanVersion

VALUES = {"pain_now": 3, "pain_during": 3, "pain_next_morning": 3, "sessions_done": 1}


@pytest.mark.django_db(transaction=True)
def test_racing_checkins_are_each_stored_once_with_consecutive_plan_versions() -> None:
    person = make_person()
    keys = ["same-key-" + "s" * 30] * 4 + [f"key-{i}-" + "d" * 30 for i in range(4)]
    barrier = threading.Barrier(len(keys))
    errors: list[BaseException] = []
    created: list[bool] = []

    def attempt(key: str) -> None:
        try:
            barrier.wait(timeout=10)
            created.append(services.submit_checkin(person.record, VALUES, key).created)
        except BaseException as exc:  # recorded, then asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(created) == [False] * 3 + [True] * 5
    assert CheckIn.objects.filter(record=person.record).count() == 5
    numbers = list(
        PlanVersion.objects.filter(record=person.record)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5, 6]
    for checkin in CheckIn.objects.filter(record=person.record):
        assert PlanVersion.objects.filter(checkin=checkin).count() == 1
