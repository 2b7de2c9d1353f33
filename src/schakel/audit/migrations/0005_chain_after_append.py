"""Appends no longer wait for the chain: an entry is written with a keyed MAC of its content and
no place in the chain, and the chainer gives it one moments later (``schakel.audit.chain``).

Entries already written keep their place and hashes untouched (``content_mac`` stays empty for
them). On PostgreSQL, the trigger that refuses UPDATE and DELETE now lets exactly one UPDATE
through: an entry without a sequence gets its sequence and hashes, every other column unchanged.
"""

from django.conf import settings
from django.db import migrations, models

CONTENT = (
    "id, occurred_at, event, outcome, user_id, user_identifier, responsible_user_id, role, "
    "organisation, patient_id, object_type, object_id, grounds, source_address, detail, "
    "hash_scheme, content_mac"
)


def _row(prefix: str) -> str:
    return ", ".join(f"{prefix}.{column.strip()}" for column in CONTENT.split(","))


ALLOW_CHAINING = f"""
CREATE OR REPLACE FUNCTION audit_access_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.sequence IS NULL AND NEW.sequence IS NOT NULL
       AND ({_row("NEW")}) IS NOT DISTINCT FROM ({_row("OLD")}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

REFUSE_ALL = """
CREATE OR REPLACE FUNCTION audit_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def allow_chaining(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_CHAINING, params=None)


def refuse_all(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE_ALL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_keyed_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="accesslogentry",
            options={
                "ordering": ["pk"],
                "verbose_name": "access-log entry",
                "verbose_name_plural": "access log",
            },
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="content_mac",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="content MAC"
            ),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="entry_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="previous_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="previous hash"
            ),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="sequence",
            field=models.PositiveBigIntegerField(
                blank=True, editable=False, null=True, unique=True, verbose_name="sequence"
            ),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("sequence__isnull", True)),
                fields=["id"],
                name="audit_access_pending_idx",
            ),
        ),
        migrations.RunPython(allow_chaining, refuse_all),
    ]
