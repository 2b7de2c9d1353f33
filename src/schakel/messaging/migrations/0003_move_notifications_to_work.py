"""Notifications move to the work layer, every row kept with its id; each becomes about its
pathway and that pathway's patient. The MDO's one kind becomes two."""

from django.core.management.color import no_style
from django.db import migrations


def forward(apps, schema_editor):
    db = schema_editor.connection.alias
    Old = apps.get_model("messaging", "Notification")
    Notification = apps.get_model("work", "Notification")
    CarePathway = apps.get_model("pathways", "CarePathway")
    ContentType = apps.get_model("contenttypes", "ContentType")
    pathway_type = ContentType.objects.db_manager(db).get_or_create(
        app_label="pathways", model="carepathway"
    )[0]
    patients = dict(CarePathway.objects.using(db).values_list("pk", "patient_id"))
    rows = []
    for old in Old.objects.using(db).order_by("pk").iterator():
        kind = old.kind
        if kind == "mdo":
            kind = "mdo_moved" if old.text == "moved" else "mdo_withdrawn"
        rows.append(
            Notification(
                pk=old.pk,
                recipient_id=old.recipient_id,
                kind=kind,
                text=old.text,
                patient_id=patients.get(old.pathway_id),
                subject_type_id=pathway_type.pk if old.pathway_id else None,
                subject_id=old.pathway_id,
                created_at=old.created_at,
                read_at=old.read_at,
                emailed_at=old.emailed_at,
            )
        )
    Notification.objects.using(db).bulk_create(rows, batch_size=1000)
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Notification]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("messaging", "0002_notification_kind_mdo"),
        ("pathways", "0003_mdo_signal_rules"),
        ("work", "0001_tasks_signals_notifications"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
