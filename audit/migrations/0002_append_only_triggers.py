"""On PostgreSQL the database itself refuses to change or delete an audit entry.

The model and its queryset already refuse; these triggers also stop raw SQL, other programs and
people at a psql prompt. A table owner can still switch them off (ALTER TABLE ... DISABLE
TRIGGER), which is why the hash chain, not the trigger, is what proves integrity.

TRUNCATE is deliberately not blocked: Django's flush (TransactionTestCase, ``manage.py flush``)
truncates every table, and refusing it would break them. Production should give the application
role no TRUNCATE privilege on this table instead.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD), elidable=False),
    ]
