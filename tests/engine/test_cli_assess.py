"""``painpath assess`` and ``painpath evaluate`` on valid input (needs the engine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import CASES_DIR
from painpath.cli import main
from painpath.cli.evaluate import score_case, total
from painpath.engine.assessment import TRIAGE_LEVELS

CAUDA_EQUINA = {
    "age": 45,
    "sex": "male",
    "pain_locations": ["low_back_center", "back_thigh_left", "lower_leg_left"],
    "saddle_numbness": True,
    "bladder_change": True,
}
SIMPLE_BACK_PAIN = {
    "age": 30,
    "sex": "female",
    "pain_locations": ["low_back_center"],
    "saddle_numbness": False,
    "bladder_change": False,
    "bowel_incontinence": False,
    "fever_or_chills": False,
    "history_cancer": False,
    "unexplained_weight_loss": False,
    "onset_trigger": ["lifting"],
    "duration_days": 3,
    "course": "improving",
    "worse_with": ["bending_forward", "lifting"],
    "better_with": ["rest"],
}


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def case_file(folder: Path, name: str, answers: dict[str, Any], triage: list[str]) -> Path:
    path = folder / f"{name}.json"
    expected = {"conditions": ["muscle_strain"], "triage": triage}
    doc = {"id": name, "answers": answers, "expected": expected}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def check_contract(data: dict[str, Any]) -> None:
    """The output contract of shared/spec/README.md."""
    assert data["triage"]["level"] in TRIAGE_LEVELS
    assert isinstance(data["triage"]["reasons"], list)
    probabilities = [c["probability"] for c in data["conditions"]]
    assert probabilities == sorted(probabilities, reverse=True)
    for cond in data["conditions"]:
        assert isinstance(cond["id"], str)
        for ev in cond["evidence"]:
            assert {"linkId", "code", "effect"} <= set(ev)
            assert ev["effect"] in ("for", "against")


def test_json_output_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    path = CASES_DIR / "case-001.json"
    status, out, err = run_cli(capsys, "assess", str(path), "--format", "json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    check_contract(data)
    assert "not a diagnosis" in data["disclaimer"]


def test_text_output_puts_what_to_do_first(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "assess")  # the bundled example
    assert status == 0
    positions = [
        out.index("WHAT TO DO NOW"),
        out.index("LIKELY CAUSES"),
        out.index("WHAT HELPS"),
        out.index("GET HELP SOONER IF"),
        out.index("not a diagnosis", out.index("WHAT HELPS")),
    ]
    assert positions == sorted(positions)
    assert " 1. " in out and "%" in out


def test_example_intake_is_assessed_without_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "assess", "--format", "json")
    assert status == 0
    data = json.loads(out)
    check_contract(data)
    assert data["triage"]["level"] in ("routine", "self_care")
    top3 = [c["id"] for c in data["conditions"][:3]]
    assert {"herniated_disc", "sciatica"} & set(top3)


def test_stdin_is_read_with_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"answers": CAUDA_EQUINA})))
    status, out, _ = run_cli(capsys, "assess", "-", "--format", "json")
    assert status == 0
    assert json.loads(out)["triage"]["level"] == "emergency"


def test_emergency_text_gives_no_self_care_tips(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = case_file(tmp_path, "ces", CAUDA_EQUINA, ["emergency"])
    status, out, _ = run_cli(capsys, "assess", str(path))
    assert status == 0
    assert "WHAT TO DO NOW: EMERGENCY" in out
    assert "emergency" in out.split("LIKELY CAUSES")[0].lower()
    helps = out.split("WHAT HELPS")[1]
    assert "Get medical help first" in helps
    assert "GET HELP SOONER IF" not in helps


def test_assess_console_script_in_a_subprocess() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "painpath",
            "assess",
            str(CASES_DIR / "case-002.json"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    check_contract(json.loads(proc.stdout))


# --- evaluate ------------------------------------------------------------------------------


def test_score_case_hand_computed() -> None:
    r = score_case(
        "c",
        "c.json",
        ["sciatica", "herniated_disc"],
        ["routine"],
        ["muscle_strain", "herniated_disc", "sciatica", "overuse"],
        "self_care",
    )
    assert (r.top1_hit, r.top3_hit, r.triage_hit) == (False, True, False)
    assert (r.under_triage, r.over_triage) == (True, False)
    r = score_case(
        "d",
        "d.json",
        ["cauda_equina_syndrome"],
        ["urgent", "emergency"],
        ["cauda_equina_syndrome"],
        "emergency",
    )
    assert (r.top1_hit, r.top3_hit, r.triage_hit, r.under_triage, r.over_triage) == (
        True,
        True,
        True,
        False,
        False,
    )
    r = score_case("e", "e.json", ["overuse"], ["self_care", "routine"], ["overuse"], "urgent")
    assert (r.triage_hit, r.under_triage, r.over_triage) == (False, False, True)
    t = total([r, r])
    assert (t.cases, t.top1, t.top3, t.triage, t.under_triage, t.over_triage) == (2, 2, 2, 0, 0, 2)


def test_evaluate_shared_cases_lists_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "evaluate", str(CASES_DIR), "--format", "json")
    data = json.loads(out)
    files = sorted(p.name for p in CASES_DIR.glob("*.json"))
    assert [row["file"] for row in data["cases"]] == files
    totals = data["totals"]
    assert totals["cases"] == len(files)
    assert totals["under_triage"] == sum(row["under_triage"] for row in data["cases"])
    assert status == (1 if totals["under_triage"] else 0)
    assert err == ""


def test_evaluate_exits_1_on_under_triage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case_file(tmp_path, "a-benign", SIMPLE_BACK_PAIN, ["self_care", "routine"])
    case_file(tmp_path, "b-missed", SIMPLE_BACK_PAIN, ["emergency"])  # deliberately wrong
    case_file(tmp_path, "c-over", CAUDA_EQUINA, ["self_care"])  # deliberately wrong
    status, out, _ = run_cli(capsys, "evaluate", str(tmp_path))
    assert status == 1
    rows = {
        line.split()[0]: line for line in out.splitlines() if line.startswith(("a-", "b-", "c-"))
    }
    assert "UNDER" not in rows["a-benign"]
    assert "UNDER" in rows["b-missed"]
    assert "over" in rows["c-over"]
    assert "under-triage: 1/3 (33%)" in out
    assert "over-triage: 1/3 (33%)" in out
    assert "cases: 3" in out


def test_evaluate_exits_0_without_under_triage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case_file(tmp_path, "ces", CAUDA_EQUINA, ["emergency"])
    status, out, _ = run_cli(capsys, "evaluate", str(tmp_path))
    assert status == 0
    assert "triage hits: 1/1 (100%)" in out


def test_evaluate_warns_about_unknown_expected_condition_ids(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = case_file(tmp_path, "typo", SIMPLE_BACK_PAIN, ["routine", "self_care"])
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["expected"]["conditions"] = ["muscle_strian"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    status, out, err = run_cli(capsys, "evaluate", str(tmp_path))
    assert status == 0
    assert err == (
        "painpath evaluate: warning: "
        f"{path}: expected.conditions: unknown condition id(s) muscle_strian "
        "(never ranked, so counted as misses)\n"
    )
    assert "top-3: 0/1 (0%)" in out


def _in_fresh_python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_cli_skips_pydantic_plugin_discovery_and_gives_the_same_result() -> None:
    case = str(CASES_DIR / "case-003.json")
    code = (
        "import contextlib, io, json, sys\n"
        "from painpath.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    main(['assess', {case!r}, '--format', 'json'])\n"
        "print(json.dumps({'metadata': 'importlib.metadata' in sys.modules,\n"
        "                  'level': json.loads(out.getvalue())['triage']['level']}))\n"
    )
    fast = json.loads(_in_fresh_python(code))
    assert fast["metadata"] is False
    from painpath.engine import assess
    from painpath.engine.intake import load_intake_document

    expected = assess(load_intake_document(json.loads(Path(case).read_text("utf-8"))))
    assert fast["level"] == expected.triage.level


def test_the_plugin_stand_in_hands_over_to_pydantic_for_anything_else() -> None:
    code = (
        "from painpath.cli.assess import skip_pydantic_plugin_discovery\n"
        "skip_pydantic_plugin_discovery()\n"
        "from pydantic.plugin._loader import get_plugins\n"
        "assert tuple(get_plugins()) == ()\n"
        "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP\n"
        "print(PYDANTIC_ENTRY_POINT_GROUP)\n"
    )
    assert _in_fresh_python(code) == "pydantic"
