"""Full-text search: FTS5 with triggers on SQLite, GIN expression indexes on PostgreSQL."""

from django.db import migrations

from fireside.community.search import (
    POSTGRES_FTS_SETUP,
    POSTGRES_FTS_TEARDOWN,
    SQLITE_FTS_SETUP,
    SQLITE_FTS_TEARDOWN,
)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("community", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FTS_SETUP, "postgresql": POSTGRES_FTS_SETUP}),
            _run({"sqlite": SQLITE_FTS_TEARDOWN, "postgresql": POSTGRES_FTS_TEARDOWN}),
        ),
    ]
