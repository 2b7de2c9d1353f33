"""Default thresholds for the signal rules; the coordinator adjusts them per phase."""

from django.db import migrations

# (rule, phase or "" for every phase, days)
DEFAULTS = [
    ("nobody_aan_zet", "", 2),
    ("task_overdue", "", 0),
    ("transfer_no_arrival", "", 14),
    ("end_no_handover", "", 14),
    ("silence", "diagnostics", 21),
    ("silence", "treatment", 42),
    ("silence", "follow_up", 120),
    ("silence", "aftercare", 180),
    ("silence", "palliative", 28),
    ("deceased_open", "", 0),
]


def seed(apps, schema_editor):
    SignalThreshold = apps.get_model("pathways", "SignalThreshold")
    for rule, phase, days in DEFAULTS:
        SignalThreshold.objects.get_or_create(rule=rule, phase=phase, defaults={"days": days})


class Migration(migrations.Migration):
    dependencies = [("pathways", "0001_pathways_events_tasks_signals")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
