"""The old task, signal and threshold tables go, now that their rows live in ``work``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0004_move_tasks_and_signals_to_work"),
    ]

    operations = [
        migrations.DeleteModel(name="SignalThreshold"),
        migrations.DeleteModel(name="Signal"),
        migrations.DeleteModel(name="Task"),
    ]
