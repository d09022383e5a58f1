"""``painpath manage ARGS...``: Django's management commands on PainPath's settings."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("args", nargs=argparse.REMAINDER, help="e.g. createsuperuser, migrate")


def run(args: argparse.Namespace) -> int:
    import os

    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "painpath.web.settings")
    execute_from_command_line(["painpath manage", *args.args])
    return 0
