"""``painpath manage purge_intake_drafts``: delete half-finished intakes past their 24 hours.

Drafts are also purged whenever someone starts an intake; run this from cron (e.g. hourly) so
that on a quiet day no answers outlive their 24 hours by more than an hour.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from painpath.patients.services import purge_expired_drafts


class Command(BaseCommand):
    help = "Delete intake drafts older than 24 hours since their last save."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired_drafts()
        self.stdout.write(f"deleted {deleted} expired intake draft(s)")
