"""For the PostgreSQL concurrency tests: is another session waiting for a lock?"""

from __future__ import annotations

from django.db import connection


def someone_waits_for_a_lock() -> bool:
    """True when another session of this database is waiting for a row or lock."""
    with connection.cursor() as cursor:
        # Activity is read once per transaction unless the snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0
