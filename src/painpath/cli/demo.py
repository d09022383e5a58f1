"""``painpath demo``: migrate the database, then load the demo clinic (idempotent).

The demo staff user's password comes from ``PAINPATH_DEMO_PASSWORD``; otherwise one is
generated when the user is first created and printed once.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet", action="store_true", help="print only a generated password (if any)"
    )


def run(args: argparse.Namespace) -> int:
    import os

    from painpath.cli.django_setup import migrate_database, setup_django

    setup_django()
    migrate_database()

    from painpath.clinic.demo import load_demo_clinic

    result = load_demo_clinic(os.environ.get("PAINPATH_DEMO_PASSWORD") or None)
    if not args.quiet:
        state = "created" if result.created else "updated"
        print(f"Demo clinic {state}: {result.clinic.name} ({result.clinic.time_zone})")
        print(f"Staff sign-in: user {result.staff_username!r} at /admin/ and /staff/")
    if result.generated_password:
        print(
            f"Generated password for {result.staff_username!r} (shown once): "
            f"{result.generated_password}"
        )
    return 0
