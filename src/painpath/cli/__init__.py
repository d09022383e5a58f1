"""The ``painpath`` command line: a thin adapter over the clinical core and the web app.

Each subcommand lives in its own module of this package and exposes two functions:

* ``add_arguments(parser: argparse.ArgumentParser) -> None``
* ``run(args: argparse.Namespace) -> int`` (the process exit status)

Subcommand modules keep heavy imports (Django, pydantic, matplotlib, ...) inside ``run`` so that
``painpath assess`` starts quickly: the cold-start budget is 300 ms.

Errors a user can cause (missing file, bad JSON, invalid answers) are raised as ``CLIError``
and printed as one line on stderr with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from painpath import __version__

# name -> (module, one-line help). Modules are imported only to build the parser.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "assess": ("painpath.cli.assess", "assess one intake (case) file"),
    "evaluate": ("painpath.cli.evaluate", "score the engine on a folder of case files"),
    "plan": ("painpath.cli.plan", "build the self-care plan for a case file"),
    "serve": ("painpath.cli.serve", "run the web app with a production server"),
    "demo": ("painpath.cli.demo", "load the demo clinic (idempotent)"),
    "manage": ("painpath.cli.manage", "run a Django management command"),
}

EXIT_OK = 0
EXIT_USAGE = 2


class CLIError(Exception):
    """A problem with the user's input; printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="painpath",
        description="PainPath: lower back and hip pain assessment. It informs and routes; "
        "it is not a diagnosis.",
    )
    parser.add_argument("--version", action="version", version=f"painpath {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # subcommand not installed in this build
            raise
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub_parser)
        sub_parser.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``painpath`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    module = getattr(args, "_module", None)
    if module is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(module.run(args))
    except CLIError as exc:
        print(f"painpath {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
