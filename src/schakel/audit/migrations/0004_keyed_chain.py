"""The access log's chain becomes keyed (HMAC with a key outside the database).

Entries already written keep their plain SHA-256 ("sha256", the column's value for existing
rows, set without any UPDATE the append-only trigger would refuse); new ones are keyed. On
PostgreSQL the table also refuses TRUNCATE, as it already refuses UPDATE and DELETE (not in
the test suite, whose transactional tests empty tables with TRUNCATE).
"""

from django.conf import settings
from django.db import migrations, models

TRUNCATE_GUARD = """
CREATE TRIGGER audit_access_log_no_truncate
    BEFORE TRUNCATE ON audit_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_access_log_append_only();
"""
DROP_TRUNCATE_GUARD = "DROP TRIGGER IF EXISTS audit_access_log_no_truncate ON audit_accesslogentry;"


def guard_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and getattr(
        settings, "SCHAKEL_AUDIT_TRUNCATE_GUARD", True
    ):
        schema_editor.execute(TRUNCATE_GUARD, params=None)


def drop_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRUNCATE_GUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_change_log")]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="hash_scheme",
            field=models.CharField(
                default="sha256", editable=False, max_length=12, verbose_name="hash scheme"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="hash_scheme",
            field=models.CharField(
                default="hmac-sha256", editable=False, max_length=12, verbose_name="hash scheme"
            ),
        ),
        migrations.RunPython(guard_truncate, drop_guard),
    ]
