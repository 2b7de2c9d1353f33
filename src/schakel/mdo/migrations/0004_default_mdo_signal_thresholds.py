"""Default thresholds (working days) for the MDO signal rules; the coordinator adjusts them."""

from django.db import migrations

# (rule, working days)
DEFAULTS = [
    # The advice should reach the GP within two working days of the meeting.
    ("mdo_advice_not_sent", 2),
    # The GP's acknowledgement task is due in three working days; two more before the signal.
    ("mdo_not_acknowledged", 5),
]


def seed(apps, schema_editor):
    SignalThreshold = apps.get_model("pathways", "SignalThreshold")
    for rule, days in DEFAULTS:
        SignalThreshold.objects.get_or_create(rule=rule, phase="", defaults={"days": days})


class Migration(migrations.Migration):
    dependencies = [
        ("mdo", "0003_calendar_feed"),
        ("pathways", "0003_mdo_signal_rules"),
    ]

    # Seeded into the old table before its rows move to the work layer.
    run_before = [("pathways", "0004_move_tasks_and_signals_to_work")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
