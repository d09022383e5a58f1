"""``painpath assess [CASE.json] [--format text|json]``: assess one intake file.

The file is an intake document ``{"answers": {...}}`` (case files with ``id``, ``source``,
``summary``, ``expected`` and ``note`` are accepted; only ``answers`` is read). ``-`` reads the
document from standard input; with no file, the bundled example intake is assessed.

``--format json`` prints ``Assessment.to_dict()`` (the output contract of
shared/spec/README.md). ``--format text`` is for a person: what to do now first (the triage
advice and its reasons), then the likely causes with how likely they are and why, then what
helps, then the statement that this is not a diagnosis.

Exit status: 0 on success; 2 with one line on stderr for bad input (missing or unreadable
file, bad JSON, invalid answers, under 16).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from painpath.cli import EXIT_OK, CLIError

if TYPE_CHECKING:
    from painpath.engine.assessment import Assessment

EXAMPLE_INTAKE = "example_intake.json"
WIDTH = 78

#: Up to this many causes are listed in the text form, and "what helps" is shown for at most
#: ``HELPS_FOR`` of them (the most likely ones that a person may look after themselves).
TOP_CAUSES = 3
HELPS_FOR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``CASE`` (optional; ``-`` for stdin) and ``--format``."""
    parser.add_argument(
        "case",
        nargs="?",
        metavar="CASE.json",
        help='intake document {"answers": {...}}; "-" reads stdin; default: the bundled example',
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for a person (default) or json (the output contract)",
    )


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys: an answer would be lost.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f'duplicate key "{key}"')
        out[key] = value
    return out


def parse_json_text(text: str, name: str) -> object:
    """Parse JSON ``text`` (from ``name``); raises :class:`CLIError` naming the problem."""
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise CLIError(
            f"{name}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except ValueError as exc:  # duplicate key
        raise CLIError(f"{name}: not valid JSON for PainPath ({exc})") from None


def read_json_file(path: Path) -> object:
    """Read and parse a JSON file; raises :class:`CLIError` with a one-line reason."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CLIError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CLIError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError:
        raise CLIError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise CLIError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_json_text(text, str(path))


def _read_document(case: str | None) -> tuple[object, str]:
    if case is None:
        ref = resources.files("painpath.engine").joinpath("data", EXAMPLE_INTAKE)
        return parse_json_text(ref.read_text(encoding="utf-8"), EXAMPLE_INTAKE), EXAMPLE_INTAKE
    if case == "-":
        return parse_json_text(sys.stdin.read(), "stdin"), "stdin"
    return read_json_file(Path(case)), case


def answers_from_document(document: object, name: str) -> dict[str, Any]:
    """Validated answers of an intake document; :class:`CLIError` naming ``name`` if invalid."""
    from painpath.engine.intake import IntakeError, load_intake_document

    try:
        return load_intake_document(document)
    except IntakeError as exc:
        raise CLIError(f"{name}: invalid answers: {exc}") from None


def emit(text: str) -> None:
    """Print ``text`` to stdout; a reader that stops early (``| head``) is not an error."""
    try:
        try:
            print(text)
        except UnicodeEncodeError:  # a terminal that cannot show a character (e.g. Latin-1)
            encoding = sys.stdout.encoding or "ascii"
            print(text.encode(encoding, "replace").decode(encoding))
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


_PLUGIN_LOADER = "pydantic.plugin._loader"


def skip_pydantic_plugin_discovery() -> None:
    """Spare the CLI pydantic's search for third-party plugins (PainPath uses none).

    On its first model, pydantic imports ``importlib.metadata`` (which pulls in ``email``,
    ``zipfile``, ``csv``...) and scans every installed package's entry points for plugins:
    about 30 ms of the 300 ms cold-start budget of ``painpath assess``. A stand-in for its
    loader module answers "no plugins" (what ``PYDANTIC_DISABLE_PLUGINS=__all__`` does); any
    other name asked of it loads the real module, so a pydantic that needs more still works.
    Only for the CLI process; the web app and the tests use pydantic unchanged.
    """
    if _PLUGIN_LOADER in sys.modules:
        return
    import types

    stand_in = types.ModuleType(_PLUGIN_LOADER)

    def get_plugins() -> tuple[()]:
        return ()

    def load_real(name: str) -> Any:
        if name.startswith("__"):  # the import system probes __path__ etc.: not a request
            raise AttributeError(name)
        import importlib

        del sys.modules[_PLUGIN_LOADER]
        return getattr(importlib.import_module(_PLUGIN_LOADER), name)

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = load_real  # type: ignore[method-assign]
    sys.modules[_PLUGIN_LOADER] = stand_in


def run(args: argparse.Namespace) -> int:
    """Assess the file named by ``args.case`` and print it in ``args.format``; exit status."""
    skip_pydantic_plugin_discovery()
    document, name = _read_document(args.case)
    answers = answers_from_document(document, name)

    from painpath.engine import assess

    result = assess(answers, validate=False)  # validated just above
    if args.format == "json":
        emit(json.dumps(result.to_dict(), indent=2))
    else:
        emit(render_text(result))
    return EXIT_OK


# --------------------------------------------------------------------------- text form


def _para(text: str, indent: str = "  ") -> str:
    return textwrap.fill(
        " ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent
    )


def _bullet(text: str, indent: str = "  ") -> str:
    return textwrap.fill(
        " ".join(text.split()),
        WIDTH,
        initial_indent=f"{indent}- ",
        subsequent_indent=f"{indent}  ",
    )


def likelihood_words(probability: float) -> str:
    """Plain words for a probability (0..1): "likely", "possible" or "less likely"."""
    if probability >= 0.5:
        return "likely"
    if probability >= 0.2:
        return "possible"
    return "less likely"


def _knowledge_conditions() -> Mapping[str, Any]:
    from painpath.engine.knowledge import load_knowledge

    return load_knowledge().conditions


def render_text(result: Assessment) -> str:
    """The text form of an assessment, for a person.

    Order (fixed, tested): what to do now and why; the likely causes with how likely and the
    answers that pointed towards or away from each; what helps and when to get help sooner
    (only when no urgent medical care is advised); the unanswered-questions note; the
    not-a-diagnosis statement.
    """
    triage = result.triage
    out: list[str] = [
        "PainPath assessment (information, not a diagnosis)",
        "",
        f"WHAT TO DO NOW: {triage.level.replace('_', ' ').upper()}",
        _para(triage.advice),
    ]
    if triage.reasons:
        out.append("  Why:")
        out.extend(_bullet(r, "    ") for r in triage.reasons)

    out += ["", "LIKELY CAUSES (most likely first; more than one can be present)"]
    top = result.top(TOP_CAUSES)
    if not top:
        out.append(_para("No likely cause could be ranked from these answers."))
    for n, cond in enumerate(top, start=1):
        pct = round(cond.probability * 100)
        out.append(f"  {n}. {cond.name}: {likelihood_words(cond.probability)} (about {pct}%)")
        towards = [e.text for e in cond.evidence if e.effect == "for"]
        away = [e.text for e in cond.evidence if e.effect == "against"]
        if towards:
            out.append(_para("Pointing towards it: " + "; ".join(towards) + ".", "     "))
        if away:
            out.append(_para("Pointing away from it: " + "; ".join(away) + ".", "     "))

    out += ["", "WHAT HELPS"]
    if triage.level in ("emergency", "urgent"):
        out.append(
            _para(
                "Get medical help first, as advised above. Self-care advice comes after a "
                "doctor has seen you."
            )
        )
    else:
        out.extend(_what_helps(result))

    if result.unknown:
        out += [
            "",
            _para(
                f"{len(result.unknown)} question(s) were not answered (or not asked). They "
                "were treated as unknown, not as 'no'; answering them could change this result.",
                "",
            ),
        ]
    out += ["", _para(result.disclaimer, "")]
    return "\n".join(out)


def _what_helps(result: Assessment) -> list[str]:
    """What helps for the leading self-manageable causes, then when to get help sooner."""
    conditions = _knowledge_conditions()
    lines: list[str] = []
    sooner: list[str] = []
    shown = 0
    for cond in result.top(TOP_CAUSES):
        info = conditions.get(cond.id)
        if info is None or getattr(info, "category", "common") == "serious":
            continue
        lines.append(f"  {cond.name or cond.id}:")
        lines.extend(_bullet(tip, "    ") for tip in info.what_helps)
        if not sooner:  # the leading cause's list: the next ones mostly repeat it
            sooner = list(getattr(info, "seek_help_if", ()))
        shown += 1
        if shown == HELPS_FOR:
            break
    if not lines:
        lines.append(_para("Ask a physical therapist what will help in your case."))
    if sooner:
        lines += ["", "GET HELP SOONER IF"]
        lines.extend(_bullet(s[:1].upper() + s[1:] + ".") for s in sooner)
    return lines
