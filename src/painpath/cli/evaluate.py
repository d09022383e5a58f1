"""``painpath evaluate DIR [--format text|json]``: score the engine on a folder of case files.

Each ``*.json`` file in DIR is a case file (shared/spec/README.md): ``answers`` is the input,
``expected.conditions`` every acceptable condition id, ``expected.triage`` every acceptable
triage level. Scoring per case (definitions from shared/spec/README.md):

* top-1 hit: the first ranked condition is in ``expected.conditions``;
* top-3 hit: any of the first three is;
* triage hit: the level is in ``expected.triage``;
* under-triage: the level is LESS urgent than every expected level (a safety failure);
* over-triage: the level is MORE urgent than every expected level.

Prints one row per case and the totals. Exit status: 1 when any case is under-triaged, else 0;
2 with one line on stderr for bad input (no such folder, no case files, a file that is not a
valid case). An expected condition id that the knowledge base does not know gets a warning
on stderr (it counts as a miss) rather than stopping the run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from painpath.cli import EXIT_OK, CLIError
from painpath.cli.assess import (
    answers_from_document,
    emit,
    read_json_file,
    skip_pydantic_plugin_discovery,
)
from painpath.engine.assessment import TRIAGE_LEVELS, TriageLevel, urgency_rank

EXIT_UNDER_TRIAGE = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``DIR`` and ``--format``."""
    parser.add_argument("folder", metavar="DIR", help="folder of case files (*.json)")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="a table for people (default) or json",
    )


@dataclass(frozen=True)
class CaseResult:
    """The score of one case: what was expected, what the engine gave, and the marks."""

    id: str
    file: str
    expected_conditions: tuple[str, ...]
    expected_triage: tuple[TriageLevel, ...]
    top3: tuple[str, ...]
    triage: TriageLevel
    top1_hit: bool
    top3_hit: bool
    triage_hit: bool
    under_triage: bool
    over_triage: bool


@dataclass(frozen=True)
class Totals:
    """Counts over all cases (``cases`` is the number of cases scored)."""

    cases: int
    top1: int
    top3: int
    triage: int
    under_triage: int
    over_triage: int


def score_case(
    case_id: str,
    file: str,
    expected_conditions: Sequence[str],
    expected_triage: Sequence[TriageLevel],
    ranked: Sequence[str],
    level: TriageLevel,
) -> CaseResult:
    """Score one case: ``ranked`` is the engine's condition ids, best first; ``level`` its triage.

    ``expected_triage`` must not be empty (an empty list cannot define under-triage).
    """
    got_rank = urgency_rank(level)
    expected_ranks = [urgency_rank(t) for t in expected_triage]
    top3 = tuple(ranked[:3])
    return CaseResult(
        id=case_id,
        file=file,
        expected_conditions=tuple(expected_conditions),
        expected_triage=tuple(expected_triage),
        top3=top3,
        triage=level,
        top1_hit=bool(top3) and top3[0] in expected_conditions,
        top3_hit=any(c in expected_conditions for c in top3),
        triage_hit=level in expected_triage,
        under_triage=got_rank > max(expected_ranks),
        over_triage=got_rank < min(expected_ranks),
    )


def total(results: Sequence[CaseResult]) -> Totals:
    """Sum the marks of ``results``."""
    return Totals(
        cases=len(results),
        top1=sum(r.top1_hit for r in results),
        top3=sum(r.top3_hit for r in results),
        triage=sum(r.triage_hit for r in results),
        under_triage=sum(r.under_triage for r in results),
        over_triage=sum(r.over_triage for r in results),
    )


def _expected(document: object, name: str) -> tuple[list[str], list[TriageLevel]]:
    """``expected.conditions`` and ``expected.triage`` of a case file, checked."""
    expected = document.get("expected") if isinstance(document, Mapping) else None
    if not isinstance(expected, Mapping):
        raise CLIError(f'{name}: not a case file: "expected" must be an object')
    conditions = expected.get("conditions")
    triage = expected.get("triage")
    if (
        not isinstance(conditions, list)
        or not conditions
        or not all(isinstance(c, str) for c in conditions)
    ):
        raise CLIError(f"{name}: expected.conditions must be a non-empty list of condition ids")
    from painpath.engine.knowledge import load_knowledge

    known = load_knowledge().conditions
    unknown = [c for c in conditions if c not in known]
    if unknown:
        # Not fatal: one odd case must not hide the scores of all the others. It can never be
        # hit, so it counts as a miss, and the warning says why.
        print(
            f"painpath evaluate: warning: {name}: expected.conditions: unknown condition id(s) "
            f"{', '.join(unknown)} (never ranked, so counted as misses)",
            file=sys.stderr,
        )
    if not isinstance(triage, list) or not triage or not all(t in TRIAGE_LEVELS for t in triage):
        raise CLIError(
            f"{name}: expected.triage must be a non-empty list of: {', '.join(TRIAGE_LEVELS)}"
        )
    return conditions, triage


def case_files(folder: Path) -> list[Path]:
    """The ``*.json`` files of ``folder``, sorted by name; :class:`CLIError` if none."""
    if not folder.exists():
        raise CLIError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise CLIError(f"{folder}: not a folder")
    files = sorted(p for p in folder.glob("*.json") if p.is_file())
    if not files:
        raise CLIError(f"{folder}: no case files (*.json) in this folder")
    return files


@dataclass(frozen=True)
class Case:
    """A checked case file: its id, file name, validated answers and expectations."""

    id: str
    file: str
    answers: Mapping[str, Any]
    expected_conditions: tuple[str, ...]
    expected_triage: tuple[TriageLevel, ...]


def load_cases(folder: Path) -> list[Case]:
    """Read and check every case file of ``folder`` (sorted by file name).

    All files are checked before anything is assessed. Raises :class:`CLIError` naming the
    file for the first unreadable or invalid case.
    """
    cases = []
    for path in case_files(folder):
        document = read_json_file(path)
        answers = answers_from_document(document, str(path))
        conditions, triage = _expected(document, str(path))
        assert isinstance(document, Mapping)  # answers_from_document checked it
        case_id = document.get("id")
        cases.append(
            Case(
                id=case_id if isinstance(case_id, str) and case_id else path.stem,
                file=path.name,
                answers=answers,
                expected_conditions=tuple(conditions),
                expected_triage=tuple(triage),
            )
        )
    return cases


def evaluate_folder(folder: Path) -> list[CaseResult]:
    """Assess and score every case file of ``folder`` (see :func:`load_cases` for errors)."""
    cases = load_cases(folder)
    from painpath.engine import assess

    results = []
    for case in cases:
        result = assess(case.answers, validate=False)  # validated by load_cases
        results.append(
            score_case(
                case.id,
                case.file,
                case.expected_conditions,
                case.expected_triage,
                [c.id for c in result.conditions],
                result.triage.level,
            )
        )
    return results


def _mark(hit: bool) -> str:
    return "+" if hit else "-"


def render_table(results: Sequence[CaseResult], totals: Totals) -> str:
    """A plain-text table: one row per case, then the totals (counts and percentages)."""
    header = ("case", "expected", "got top-3", "triage (expected)", "t1 t3 tr flag")
    rows = []
    for r in results:
        flag = "UNDER" if r.under_triage else ("over" if r.over_triage else "")
        marks = f"{_mark(r.top1_hit)}  {_mark(r.top3_hit)}  {_mark(r.triage_hit)}  {flag}"
        rows.append(
            (
                r.id,
                ",".join(r.expected_conditions),
                ",".join(r.top3),
                f"{r.triage} ({','.join(r.expected_triage)})",
                marks.rstrip(),
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    n = max(totals.cases, 1)

    def pct(k: int) -> str:
        return f"{k}/{totals.cases} ({100 * k / n:.0f}%)"

    lines += [
        "(t1/t3: top-1/top-3 hit; tr: triage hit; + hit, - miss; UNDER/over: under-/over-triage)",
        "",
        f"cases: {totals.cases}",
        f"top-1: {pct(totals.top1)}",
        f"top-3: {pct(totals.top3)}",
        f"triage hits: {pct(totals.triage)}",
        f"under-triage: {pct(totals.under_triage)}",
        f"over-triage: {pct(totals.over_triage)}",
    ]
    return "\n".join(lines)


def to_json(results: Sequence[CaseResult], totals: Totals) -> dict[str, Any]:
    """The JSON form: ``{"cases": [...], "totals": {...}}``."""
    return {"cases": [asdict(r) for r in results], "totals": asdict(totals)}


def run(args: argparse.Namespace) -> int:
    """Evaluate ``args.folder``; print in ``args.format``; exit 1 on any under-triage."""
    skip_pydantic_plugin_discovery()
    results = evaluate_folder(Path(args.folder))
    totals = total(results)
    if args.format == "json":
        emit(json.dumps(to_json(results, totals), indent=2))
    else:
        emit(render_table(results, totals))
    return EXIT_UNDER_TRIAGE if totals.under_triage else EXIT_OK
