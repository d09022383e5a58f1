"""The sex question offers plain choices: no option promises a box the form does not have."""

from __future__ import annotations

import re

from .conftest import Wizard


def test_the_other_option_reads_plain_other_and_asks_for_no_description(wizard: Wizard) -> None:
    wizard.start()
    html = wizard.client.get("/start/step/1/").content.decode()
    label = re.search(
        r'<input[^>]*id="sex-other"[^>]*><label for="sex-other">([^<]*)</label>', html
    )
    assert label is not None
    assert label.group(1) == "Other"
    assert "describe it" not in html
    wizard.post_step(1, {"age": 30, "sex": "other"})
    assert re.search(
        r'id="sex-other"[^>]*checked', wizard.client.get("/start/step/1/").content.decode()
    )
