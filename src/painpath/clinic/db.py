"""Database helpers for the clinic app that depend on the database vendor."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """``RunSQL`` that runs only on PostgreSQL and is a no-op on other databases.

    Used for the btree_gist extension and the exclusion constraint that forbids overlapping
    appointments (``django.contrib.postgres`` operations would fail on SQLite).
    """

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
