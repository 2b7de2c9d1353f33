"""The GP input request and the acknowledgement point at ``work.Task`` (same ids)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mdo", "0005_gp_input_g8_gfi_scores"),
        ("pathways", "0004_move_tasks_and_signals_to_work"),
        ("work", "0001_tasks_signals_notifications"),
    ]
    run_before = [("pathways", "0005_remove_tasks_and_signals")]

    operations = [
        migrations.AlterField(
            model_name="agendaitem",
            name="input_request",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="work.task",
                verbose_name="GP input request",
            ),
        ),
        migrations.AlterField(
            model_name="mdooutcome",
            name="acknowledgement",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="work.task",
                verbose_name="GP acknowledgement",
            ),
        ),
    ]
