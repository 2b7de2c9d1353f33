"""A flagged score's task points at ``work.Task`` (same ids)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proms", "0003_licence_label"),
        ("pathways", "0004_move_tasks_and_signals_to_work"),
        ("work", "0001_tasks_signals_notifications"),
    ]
    run_before = [("pathways", "0005_remove_tasks_and_signals")]

    operations = [
        migrations.AlterField(
            model_name="score",
            name="task",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="work.task",
                verbose_name="task",
            ),
        ),
    ]
