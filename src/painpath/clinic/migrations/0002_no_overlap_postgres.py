"""PostgreSQL only: the database itself refuses overlapping appointments of one therapist.

An appointment that is not cancelled occupies [start, busy_until) (busy_until = end + buffer).
btree_gist lets a GiST index combine equality on the therapist with range overlap (&&).
On SQLite this migration does nothing: writers are serialised by IMMEDIATE transactions and the
booking service checks overlaps inside that transaction (see painpath.clinic.services).
"""

from django.db import migrations

from painpath.clinic.db import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [
        PostgresOnlySQL(
            sql="CREATE EXTENSION IF NOT EXISTS btree_gist;",
            reverse_sql=migrations.RunSQL.noop,
        ),
        PostgresOnlySQL(
            sql=(
                "ALTER TABLE clinic_appointment ADD CONSTRAINT appointment_no_overlap "
                "EXCLUDE USING gist (therapist_id WITH =, "
                "tstzrange(start, busy_until, '[)') WITH &&) "
                "WHERE (status <> 'cancelled');"
            ),
            reverse_sql=(
                "ALTER TABLE clinic_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap;"
            ),
        ),
    ]
