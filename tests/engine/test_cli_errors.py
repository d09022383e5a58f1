"""Bad input to ``painpath assess`` / ``painpath evaluate``: one line on stderr, exit 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from painpath.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err: str, *needles: str) -> None:
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err


def write(path: Path, content: object) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run_cli(capsys, "assess", str(tmp_path / "nope.json"))
    assert (status, out) == (2, "")
    assert_one_line_error(err, "painpath assess: error:", "nope.json: no such file")


def test_folder_instead_of_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run_cli(capsys, "assess", str(tmp_path))
    assert status == 2
    assert_one_line_error(err, "is a folder")


def test_bad_json_names_line_and_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", '{"answers": {"age": 40,}}')
    status, _, err = run_cli(capsys, "assess", str(path))
    assert status == 2
    assert_one_line_error(err, "bad.json: not valid JSON", "line 1 column")


def test_duplicate_keys_are_rejected_not_silently_overwritten(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path / "dup.json", '{"answers": {"age": 40, "age": 50}}')
    status, _, err = run_cli(capsys, "assess", str(path))
    assert status == 2
    assert_one_line_error(err, 'duplicate key "age"')


def test_invalid_answers_name_the_item(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path / "c.json", {"answers": {"age": 40, "pain_now": 11, "limp": "yes"}})
    status, _, err = run_cli(capsys, "assess", str(path))
    assert status == 2
    assert_one_line_error(
        err,
        "c.json: invalid answers:",
        "pain_now: must be a whole number from 0 to 10 (got 11)",
        'limp: must be true or false (got "yes")',
    )


def test_under_16(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path / "kid.json", {"answers": {"age": 12}})
    status, _, err = run_cli(capsys, "assess", str(path))
    assert status == 2
    assert_one_line_error(err, "this tool is for ages 16 and over")


@pytest.mark.parametrize("doc", [[], {"id": "x"}, {"answers": [1]}])
def test_document_without_answers_object(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, doc: object
) -> None:
    path = write(tmp_path / "d.json", doc)
    status, _, err = run_cli(capsys, "assess", str(path))
    assert status == 2
    assert_one_line_error(err, "d.json: invalid answers: answers:")


def test_bad_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("not json"))
    status, _, err = run_cli(capsys, "assess", "-")
    assert status == 2
    assert_one_line_error(err, "stdin: not valid JSON")


def test_evaluate_missing_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run_cli(capsys, "evaluate", str(tmp_path / "none"))
    assert status == 2
    assert_one_line_error(err, "painpath evaluate: error:", "no such folder")


def test_evaluate_folder_without_cases(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path / "readme.txt", "not a case")
    status, _, err = run_cli(capsys, "evaluate", str(tmp_path))
    assert status == 2
    assert_one_line_error(err, "no case files (*.json)")


def test_evaluate_file_instead_of_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path / "a.json", {"answers": {}})
    status, _, err = run_cli(capsys, "evaluate", str(path))
    assert status == 2
    assert_one_line_error(err, "not a folder")


def test_evaluate_names_the_bad_case_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(tmp_path / "b.json", {"answers": {"age": "forty"}, "expected": {}})
    status, _, err = run_cli(capsys, "evaluate", str(tmp_path))
    assert status == 2
    assert_one_line_error(err, "b.json: invalid answers: age: must be a whole number")


def test_subprocess_error_has_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", "{")
    proc = subprocess.run(
        [sys.executable, "-m", "painpath", "assess", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert_one_line_error(proc.stderr, "bad.json: not valid JSON")


def test_output_survives_a_terminal_that_cannot_show_a_character(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from painpath.cli.assess import emit

    buffer = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buffer, encoding="ascii"))
    emit("pain ≥ 7 – see a doctor")
    sys.stdout.flush()
    assert buffer.getvalue() == b"pain ? 7 ? see a doctor\n"
