"""Configure Django for CLI subcommands that need it (imported lazily, never by ``assess``)."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Point Django at PainPath's settings and initialise the app registry."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "painpath.web.settings")
    import django

    django.setup()


def migrate_database(verbosity: int = 0) -> None:
    """Create or migrate the database schema (idempotent)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
