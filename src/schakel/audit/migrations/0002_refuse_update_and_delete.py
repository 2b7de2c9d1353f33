"""On PostgreSQL, a trigger refuses UPDATE and DELETE on the access log.

The application already refuses both; the trigger also stops anyone with plain SQL access as the
application's database user. (Someone who can disable triggers is caught by the hash chain.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_access_log_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audit_access_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_access_log_append_only ON audit_accesslogentry;
DROP FUNCTION IF EXISTS audit_access_log_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_access_log")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
