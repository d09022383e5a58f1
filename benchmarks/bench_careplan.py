"""Benchmark of the care plans: plan build time and PDF handout time (figures in README.md).

Run as a script::

    .venv/bin/python benchmarks/bench_careplan.py                # default: 2,000 plans, 30 PDFs
    .venv/bin/python benchmarks/bench_careplan.py --plans 5000 --pdfs 50

1. Plan build: every shared case (``../shared/cases/*.json``) is validated and assessed once
   (not timed), then ``build_plan`` runs over the assessments round-robin; printed: median,
   p95 and max time per plan in ms (target < 5 ms).
2. PDF: ``render_pdf`` (with a clinic) for the plans that have exercises, round-robin, after
   one warm-up render (fpdf2 import); printed: median, p95 and max ms (target < 1 s).

Also usable with pytest-benchmark (not part of the test suite)::

    .venv/bin/pytest benchmarks/bench_careplan.py -o python_files='bench_*.py' --benchmark-enable
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT.parent / "shared" / "cases"


def assessments() -> list[Any]:
    """The engine's assessment of every shared case (validated answers)."""
    from painpath.engine import assess, validate_answers

    out = []
    for path in sorted(CASES_DIR.glob("*.json")):
        answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
        out.append(assess(validate_answers(answers)))
    return out


def _summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"median {statistics.median(ms):.3f} ms, p95 {p95:.3f} ms, max {ms[-1]:.3f} ms"


def time_plans(items: list[Any], n: int) -> list[float]:
    from painpath.careplan.plan import build_plan

    build_plan(items[0])  # loads and validates the library once (not timed)
    times = []
    for i in range(n):
        start = time.perf_counter()
        build_plan(items[i % len(items)])
        times.append(time.perf_counter() - start)
    return times


def time_pdfs(items: list[Any], n: int) -> list[float]:
    from painpath.careplan.pdf import ClinicContact, render_pdf
    from painpath.careplan.plan import build_plan

    clinic = ClinicContact("Demo Physical Therapy", "1 Main Street", "+1 555 0100")
    plans = [p for p in (build_plan(a) for a in items) if p.exercises]
    render_pdf(plans[0], clinic=clinic)  # warm-up: fpdf2 import and font metrics
    times = []
    for i in range(n):
        start = time.perf_counter()
        render_pdf(plans[i % len(plans)], clinic=clinic)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=2000)
    parser.add_argument("--pdfs", type=int, default=30)
    args = parser.parse_args()
    items = assessments()
    print(f"cases: {len(items)}")
    print(f"build_plan ({args.plans} plans): {_summary(time_plans(items, args.plans))}")
    print(f"render_pdf ({args.pdfs} handouts): {_summary(time_pdfs(items, args.pdfs))}")


def bench_build_plan(benchmark: Any) -> None:
    from painpath.careplan.plan import build_plan

    items = assessments()
    benchmark(lambda: [build_plan(a) for a in items])


def bench_render_pdf(benchmark: Any) -> None:
    from painpath.careplan.pdf import render_pdf
    from painpath.careplan.plan import build_plan

    plan = next(p for p in (build_plan(a) for a in assessments()) if p.exercises)
    benchmark(lambda: render_pdf(plan))


if __name__ == "__main__":
    main()
