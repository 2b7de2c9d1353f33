"""Tasks, signals and thresholds move to the work layer, every row kept with its id.

Each task and signal becomes *about* its pathway (subject) and the pathway's patient; a task's
kind follows from what it focused on. Ids stay the same, so the MDO's and the questionnaires'
references to tasks stay true when they are pointed at ``work.Task`` next.
"""

from django.core.management.color import no_style
from django.db import migrations, models

KIND_BY_FOCUS = {
    "AgendaItem": "mdo.gp_input",
    "MdoOutcome": "mdo.read_advice",
    "Score": "proms.discuss_score",
}


def _pathway_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    return ContentType.objects.db_manager(db).get_or_create(
        app_label="pathways", model="carepathway"
    )[0]


def forward(apps, schema_editor):
    db = schema_editor.connection.alias
    OldTask = apps.get_model("pathways", "Task")
    OldSignal = apps.get_model("pathways", "Signal")
    OldThreshold = apps.get_model("pathways", "SignalThreshold")
    Task = apps.get_model("work", "Task")
    Signal = apps.get_model("work", "Signal")
    Threshold = apps.get_model("work", "SignalThreshold")
    pathway_type = _pathway_type(apps, schema_editor)

    batch = []
    moments = {}
    for old in OldTask.objects.using(db).select_related("pathway").order_by("pk").iterator():
        moments[old.pk] = (old.created_at, old.updated_at)
        batch.append(
            Task(
                pk=old.pk,
                kind=KIND_BY_FOCUS.get(old.focus_type, "pathways.step"),
                patient_id=old.pathway.patient_id,
                subject_type_id=pathway_type.pk,
                subject_id=old.pathway_id,
                title=old.title,
                description=old.description,
                owner_role_id=old.owner_role_id,
                owner_team_id=old.owner_team_id,
                owner_function=old.owner_function,
                due_at=old.due_at,
                status=old.status,
                escalation_role_id=old.escalation_role_id,
                focus_type=old.focus_type,
                focus_id=old.focus_id,
                created_by_id=old.created_by_id,
                closed_at=old.closed_at,
                created_at=old.created_at,
                updated_at=old.updated_at,
            )
        )
    Task.objects.using(db).bulk_create(batch, batch_size=1000)
    # bulk_create fills auto_now(_add) fields with now (on the objects too); bulk_update, which
    # does not, puts the old moments back.
    for task in batch:
        task.created_at, task.updated_at = moments[task.pk]
    Task.objects.using(db).bulk_update(batch, ["created_at", "updated_at"], batch_size=1000)

    signals = [
        Signal(
            pk=old.pk,
            rule=old.rule,
            patient_id=old.pathway.patient_id,
            subject_type_id=pathway_type.pk,
            subject_id=old.pathway_id,
            opened_at=old.opened_at,
            resolved_at=old.resolved_at,
        )
        for old in OldSignal.objects.using(db).select_related("pathway").order_by("pk").iterator()
    ]
    Signal.objects.using(db).bulk_create(signals, batch_size=1000)
    Threshold.objects.using(db).bulk_create(
        Threshold(pk=old.pk, rule=old.rule, scope=old.phase, days=old.days)
        for old in OldThreshold.objects.using(db).order_by("pk")
    )
    # Rows came with their ids: the sequences must continue after them (PostgreSQL).
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(
            no_style(), [Task, Signal, Threshold]
        ):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pathways", "0003_mdo_signal_rules"),
        ("work", "0001_tasks_signals_notifications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pathwayevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("referral", "referral"),
                    ("diagnosis", "diagnosis"),
                    ("mdo", "discussed in the MDO"),
                    ("treatment_start", "treatment started"),
                    ("treatment_end", "treatment ended"),
                    ("transfer", "transfer to another hospital"),
                    ("arrival", "arrival at the hospital"),
                    ("admission", "admission"),
                    ("discharge", "discharge"),
                    ("complication", "complication"),
                    ("handover", "handover"),
                    ("death", "death"),
                    ("note", "note"),
                    ("phase", "phase changed"),
                    ("task", "task"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddIndex(
            model_name="pathwayevent",
            index=models.Index(fields=["kind", "occurred_at"], name="pathways_event_kind_idx"),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
