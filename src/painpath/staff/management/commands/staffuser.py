"""``painpath manage staffuser USERNAME --role therapist|front_desk``: add or update staff.

The account joins exactly one role group (``Therapists`` or ``Front desk``, see
``painpath.staff.access``). A new account needs a password: typed at a prompt, or read from
standard input with ``--password-stdin`` (for scripts; never put it on the command line, where
other users of the machine can see it in the process list).
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from painpath.staff.access import ROLES, set_staff_role


class Command(BaseCommand):
    help = "Create or update a staff account (therapist or front desk)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str | None = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        elif sys.stdin.isatty():
            password = getpass.getpass("Password (empty keeps the current one): ") or None
        if password is not None:
            try:
                validate_password(password)
            except ValidationError as exc:
                raise CommandError("password: " + " ".join(exc.messages)) from None
        try:
            user, created = set_staff_role(
                options["username"],
                options["role"],
                password=password,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} {user.get_username()} ({ROLES[options['role']]})")
