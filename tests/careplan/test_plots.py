"""Progress plots: SVG charts with a table of the same numbers as the text alternative."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from painpath.careplan.plots import adherence_svg, pain_function_svg, progress_rows
from painpath.careplan.progression import CheckIn


def _checkins(n: int) -> list[CheckIn]:
    return [
        CheckIn(
            id=f"c{i}",
            at=f"2026-02-{i:02d}T08:00:00+00:00",
            pain_now=7 - i,
            pain_during=3,
            pain_next_morning=6 - i,
            psfs=(2 + i, 4),
            global_change=i,
            sessions_done=i,
            sessions_planned=7,
        )
        for i in range(1, n + 1)
    ]


def test_rows_start_with_the_intake_pain_and_hold_every_checkin() -> None:
    rows = progress_rows(_checkins(3), intake_pain=8)
    assert [r.label for r in rows] == ["Start", "01 Feb", "02 Feb", "03 Feb"]
    assert [r.pain_now for r in rows] == [8, 6, 5, 4]
    assert rows[1].function == 3.5  # mean of PSFS 3 and 4
    assert rows[0].sessions_planned is None and rows[3].sessions_done == 3
    assert progress_rows([], intake_pain=None) == []


def test_pain_chart_is_valid_svg_with_labelled_series_and_dates() -> None:
    svg = pain_function_svg(progress_rows(_checkins(3), intake_pain=8))
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    for text in ("Pain now", "Pain during exercise", "Pain next morning", "Function (PSFS)"):
        assert text in svg
    assert "03 Feb" in svg and "Start" in svg


def test_charts_change_with_the_data_and_are_deterministic() -> None:
    two = progress_rows(_checkins(2))
    three = progress_rows(_checkins(3))
    assert pain_function_svg(two) == pain_function_svg(two)
    assert pain_function_svg(two) != pain_function_svg(three)
    assert adherence_svg(two) != adherence_svg(three)


def test_adherence_chart_labels_days_done_out_of_planned() -> None:
    svg = adherence_svg(progress_rows(_checkins(2), intake_pain=5))
    assert "1/7" in svg and "2/7" in svg
    assert "Exercise days" in svg
