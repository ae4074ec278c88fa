"""Deliberations and plans become apps of their own; their rows stay where they are.

The database keeps every row: each moved table is renamed to its new app's name (`targets_deliberation` →
`deliberations_deliberation`, …; an auto-created many-to-many table follows its model), and the models leave this
app's state only. `deliberations.0001_initial` and `plans.0001_initial` then take them into their state without
touching the database. Reversible: going back renames the tables back.
"""

from django.db import migrations

# (model, new table), in an order where nothing left in the state points at a model already taken out of it.
MOVED = [
    ("stepattachment", "deliberations_stepattachment"),
    ("deliberationstep", "deliberations_deliberationstep"),
    ("deliberation", "deliberations_deliberation"),
    ("proceduresetting", "deliberations_proceduresetting"),
    ("planmilestone", "plans_planmilestone"),
    ("planmeasure", "plans_planmeasure"),
    ("pledge", "plans_pledge"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name=name, table=table) for name, table in MOVED],
            state_operations=[migrations.DeleteModel(name=name) for name, _table in MOVED],
        ),
    ]
