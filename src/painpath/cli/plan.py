"""``painpath plan CASE.json [--format text|json|pdf] [--output FILE]``: the self-care plan.

The file is an intake document ``{"answers": {...}}`` (case files are accepted; only ``answers``
is read; ``-`` reads standard input). The answers are validated and assessed by the engine, then
``painpath.careplan.build_plan`` makes the plan.

* ``--format text`` (default): the plan for a person.
* ``--format json``: ``Plan.to_dict()``: the triage level, the exercises (id, name, dose, why,
  source, ...), the advice items and the warning signs.
* ``--format pdf``: the printable handout; written to ``--output FILE``, or to standard output
  as bytes when it is piped or redirected (refused, exit 2, when standard output is a terminal:
  raw PDF bytes would garble it); ``--clinic-name``/``--clinic-address``/``--clinic-phone``
  print the clinic on it.

Exit status: 0 on success; 2 with one line on stderr for bad input (``CLIError``).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from painpath.cli import EXIT_OK, CLIError

if TYPE_CHECKING:
    from painpath.careplan.plan import Plan

WIDTH = 78


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``CASE``, ``--format``, ``--output`` and the clinic options."""
    parser.add_argument("case", metavar="CASE.json", help='intake document; "-" reads stdin')
    parser.add_argument(
        "--format",
        choices=("text", "json", "pdf"),
        default="text",
        help="text for a person (default), json, or pdf (the printable handout)",
    )
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    clinic = parser.add_argument_group("clinic printed on the PDF handout")
    clinic.add_argument("--clinic-name", metavar="NAME", help="the clinic's name")
    clinic.add_argument("--clinic-address", metavar="TEXT", default="", help="its address")
    clinic.add_argument("--clinic-phone", metavar="TEXT", default="", help="its phone number")


def build_plan_for_file(case: str) -> Plan:
    """Read, validate and assess ``case`` (a path or ``-``) and build its plan.

    Raises :class:`CLIError` for a missing/unreadable file, bad JSON or invalid answers.
    """
    from painpath.cli.assess import answers_from_document, parse_json_text, read_json_file

    if case == "-":
        document, name = parse_json_text(sys.stdin.read(), "stdin"), "stdin"
    else:
        document, name = read_json_file(Path(case)), case
    answers = answers_from_document(document, name)

    from painpath.careplan.plan import build_plan
    from painpath.engine import assess

    return build_plan(assess(answers))


def run(args: argparse.Namespace) -> int:
    """Print (or write) the plan for ``args.case`` in ``args.format``; the exit status."""
    if args.format == "pdf" and not args.output and _stdout_is_terminal():
        raise CLIError(
            "--format pdf writes binary data: give --output FILE, or pipe or redirect the output"
        )
    plan = build_plan_for_file(args.case)
    data: bytes
    if args.format == "pdf":
        from painpath.careplan.pdf import ClinicContact, render_pdf

        clinic = None
        if args.clinic_name:
            clinic = ClinicContact(args.clinic_name, args.clinic_address, args.clinic_phone)
        elif args.clinic_address or args.clinic_phone:
            raise CLIError("--clinic-address and --clinic-phone need --clinic-name")
        data = render_pdf(plan, clinic=clinic)
    elif args.format == "json":
        data = (json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n").encode()
    else:
        data = (render_text(plan) + "\n").encode()
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise CLIError(f"{args.output}: cannot write ({exc.strerror})") from None
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return EXIT_OK


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout: not a terminal
        return False


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> str:
    return textwrap.fill(
        " ".join(text.split()),
        WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
    )


def render_text(plan: Plan) -> str:
    """The plan as plain text: what to do now, exercises, advice, warning signs, disclaimer."""
    see_doctor = plan.triage_level in ("emergency", "urgent")
    title = "PainPath: get checked first" if see_doctor else "PainPath self-care plan"
    out = [
        f"{title} (information, not a diagnosis)",
        "",
        f"WHAT TO DO NOW: {plan.triage_level.replace('_', ' ').upper()}",
        _wrap(plan.triage_advice),
        "",
        _wrap(plan.exercise_note),
    ]
    if plan.exercises:
        out += ["", "EXERCISES"]
        for n, ex in enumerate(plan.exercises, 1):
            out.append(f"  {n}. {ex.name}: {ex.dose}")
            for i, step in enumerate(ex.steps, 1):
                out.append(_wrap(step, "        ", f"     {i}. "))
            out.append(_wrap(f"Why: {ex.why}", "     "))
            out.append(_wrap(f"Source: {ex.source}", "     "))
    out += ["", "ADVICE"]
    for advice in plan.advice:
        out.append(_wrap(f"{advice.title}: {advice.text}", "    ", "  - "))
    out += ["", "WARNING SIGNS: GET HELP AT ONCE"]
    for sign in plan.warning_signs:
        out.append(_wrap(sign.text, "    ", "  - "))
    out += ["", _wrap(plan.disclaimer, "")]
    return "\n".join(out)
