"""``painpath plan``: text, JSON and PDF output, and one-line errors."""

from __future__ import annotations

import json

from careplan.helpers import CASES_DIR
from painpath.cli import main

CASE = str(CASES_DIR / "case-010.json")


def test_json_lists_triage_exercises_and_advice(capsys) -> None:
    assert main(["plan", CASE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["triage"]["level"] in ("emergency", "urgent", "routine", "self_care")
    if data["exercises"]:
        assert {"id", "name", "dose", "why", "source"} <= set(data["exercises"][0])
    assert data["advice"] and {"id", "title", "text", "why"} <= set(data["advice"][0])
    assert data["warning_signs"]


def test_text_plan_reads_for_a_person(capsys) -> None:
    assert main(["plan", CASE]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PainPath self-care plan")
    assert "WARNING SIGNS" in out and "not a diagnosis" in out


def test_pdf_to_a_file_with_the_clinic(tmp_path) -> None:
    import io

    import pypdf

    target = tmp_path / "plan.pdf"
    args = ["plan", CASE, "--format", "pdf", "--output", str(target)]
    args += ["--clinic-name", "Northside PT", "--clinic-phone", "+1 555 0142"]
    assert main(args) == 0
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Northside PT" in text and "+1 555 0142" in text


def test_pdf_to_stdout_as_bytes(capsysbinary) -> None:
    assert main(["plan", CASE, "--format", "pdf"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"%PDF-")


def test_pdf_to_a_terminal_is_refused_naming_output(tmp_path) -> None:
    # A real terminal (pseudo-terminal) on stdout: raw PDF bytes would garble it.
    import os
    import pty
    import subprocess
    import sys

    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "painpath", "plan", CASE, "--format", "pdf"],
            stdout=terminal,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
    os.close(controller)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert err.count("\n") == 1 and "--output" in err
    # Piped (not a terminal): the bytes go through.
    piped = subprocess.run(
        [sys.executable, "-m", "painpath", "plan", CASE, "--format", "pdf"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF-")


def test_plan_reads_the_intake_from_stdin(monkeypatch, capsys) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO('{"answers": {"age": 30, "pain_now": 3}}'))
    assert main(["plan", "-", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["context"]["answers"]["age"] == 30


def test_emergency_case_text_is_titled_get_checked_first(capsys) -> None:
    assert main(["plan", str(CASES_DIR / "case-006.json")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PainPath: get checked first") and "self-care plan" not in out


def test_emergency_case_plan_has_no_exercises(capsys) -> None:
    assert main(["plan", str(CASES_DIR / "case-006.json"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["triage"]["level"] == "emergency"
    assert data["exercises"] == []


def test_errors_are_one_line_with_exit_status_2(tmp_path, capsys) -> None:
    assert main(["plan", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"answers": {"pain_now": 42}}')
    assert main(["plan", str(bad)]) == 2
    assert "pain_now" in capsys.readouterr().err
    out_dir = tmp_path / "nope" / "x.pdf"
    assert main(["plan", CASE, "--format", "pdf", "--output", str(out_dir)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert main(["plan", CASE, "--format", "pdf", "--clinic-phone", "1"]) == 2
    assert "--clinic-name" in capsys.readouterr().err
