"""Scheduling benchmarks (issue 3 targets); a script that prints figures, not a test.

    .venv/bin/python benchmarks/bench_scheduling.py            # SQLite, plus PostgreSQL if up
    .venv/bin/python benchmarks/bench_scheduling.py --db sqlite

1. Availability: free slots of the 60-minute initial evaluation for the demo clinic's three
   therapists over four weeks, with a partly booked calendar. Target: < 50 ms.
2. Racing bookings: 200 booking attempts on 20 slots (10 per slot), released together from a
   barrier and run by a pool of worker threads, each with its own database connection. Target:
   exactly 20 bookings and no error other than "slot no longer available" (409); bookings/s.

Each database runs in a child process (Django reads its settings once per process) with its own
data folder; PostgreSQL uses a scratch database ``painpath_bench`` that is recreated each run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "painpath_bench"
ATTEMPTS = 200
SLOTS = 20
# PostgreSQL allows 100 connections by default; 40 workers keep well below that.
WORKERS = 40
AVAILABILITY_RUNS = 30


def _child(db: str) -> int:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "painpath.web.settings"
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from painpath.clinic.demo import load_demo_clinic
    from painpath.clinic.models import Appointment, AppointmentKind, AppointmentType, Patient
    from painpath.clinic.services import (
        PatientDetails,
        SlotUnavailableError,
        book_appointment,
        find_free_slots,
    )

    call_command("migrate", verbosity=0, interactive=False)
    load_demo_clinic(password="benchmark-password-123")
    kind = AppointmentType.objects.select_related("clinic").get(kind=AppointmentKind.INITIAL)
    zone = kind.clinic.tz
    now = timezone.now()
    first = (now + timedelta(days=1)).astimezone(zone).date()
    last = first + timedelta(days=27)

    # A partly booked calendar: try every fifth free slot (some overlap an earlier one).
    for i, slot in enumerate(find_free_slots(kind, first, last, now=now)[::5][:80]):
        try:
            book_appointment(
                appointment_type=kind,
                therapist=slot.therapist,
                start=slot.start,
                patient=PatientDetails(f"Bench {i}", f"bench{i}@example.com", "+1 555 0100"),
                now=now,
            )
        except SlotUnavailableError:
            continue
    booked_before = Appointment.objects.count()
    timings = []
    for _ in range(AVAILABILITY_RUNS):
        started = time.perf_counter()
        slots = find_free_slots(kind, first, last, now=now)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(
        f"[{db}] availability, 3 therapists x 4 weeks, {booked_before} visits booked: "
        f"{len(slots)} free slots; "
        f"median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(0.95 * len(timings)) - 1]:.1f} ms (target < 50 ms)"
    )

    # Racing bookings on 20 free slots of one day far from the partly booked weeks.
    race_day = last + timedelta(days=7)
    # 20 slots that do not overlap one another (visit plus buffer), so each can be booked once.
    targets = []
    busy_until: dict[object, object] = {}
    for slot in find_free_slots(kind, race_day, race_day + timedelta(days=6), now=now):
        previous = busy_until.get(slot.therapist.id)
        if previous is None or slot.start >= previous:  # type: ignore[operator]
            targets.append(slot)
            busy_until[slot.therapist.id] = slot.end + kind.buffer
        if len(targets) == SLOTS:
            break
    assert len(targets) == SLOTS, "not enough free slots for the race"
    Appointment.objects.all().delete()
    Patient.objects.all().delete()
    connection.close()
    barrier = threading.Barrier(WORKERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        if i < WORKERS:
            barrier.wait(timeout=30)  # the first wave starts together
        slot = targets[i % SLOTS]
        try:
            book_appointment(
                appointment_type=kind,
                therapist=slot.therapist,
                start=slot.start,
                patient=PatientDetails(f"Racer {i}", f"racer{i}@example.com", "+1 555 0100"),
                now=now,
            )
            result = "booked"
        except SlotUnavailableError:
            result = "409"
        except Exception as exc:  # counted as a failure of the target
            result = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(attempt, range(ATTEMPTS)))
    elapsed = time.perf_counter() - started
    booked = outcomes.count("booked")
    conflicts = outcomes.count("409")
    errors = [o for o in outcomes if o.startswith("error")]
    stored = Appointment.objects.count()
    print(
        f"[{db}] {ATTEMPTS} racing attempts on {SLOTS} slots ({WORKERS} threads): "
        f"{booked} booked, {conflicts} x 409, {len(errors)} other errors, {stored} stored; "
        f"{elapsed:.2f} s, {ATTEMPTS / elapsed:.0f} attempts/s, {booked / elapsed:.0f} bookings/s"
    )
    for error in sorted(set(errors))[:5]:
        print(f"[{db}]   {error}")
    return 0 if booked == SLOTS == stored and not errors else 1


def _postgres_up() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            c.execute(f"CREATE DATABASE {PG_DATABASE}")
    except Exception as exc:
        print(f"[postgresql] skipped: {exc}")
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args.db)
    status = 0
    for db in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        env = dict(os.environ, PAINPATH_DATA_DIR=tempfile.mkdtemp(prefix="painpath-bench-"))
        env.pop("DATABASE_URL", None)
        if db == "postgresql":
            if not _postgres_up():
                continue
            env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
        cmd = [sys.executable, __file__, "--db", db, "--child"]
        status |= subprocess.run(cmd, env=env, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
