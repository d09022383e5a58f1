"""``painpath manage send_reminders``: email a reminder for visits starting within 24 hours.

Meant for cron (e.g. every 15 minutes). Each reminder is sent at most once (an atomic claim
on ``reminder_sent_at``), never for a cancelled visit.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from painpath.clinic.services import send_due_reminders


class Command(BaseCommand):
    help = "Send appointment reminders that are due (24 hours ahead); safe to run repeatedly."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders()
        self.stdout.write(f"{sent} reminder(s) sent")
