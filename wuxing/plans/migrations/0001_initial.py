"""Plan measures and milestones and the responsibility letters, taken over from the targets app.

The content types (and with them the permissions of the moved models) move too, so that anything pointing at
them keeps pointing at the same models."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["planmeasure", "planmilestone", "pledge"]


def move_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(content_type.objects.using(db).filter(app_label="plans").values_list("model", flat=True))
    content_type.objects.using(db).filter(app_label="targets", model__in=set(MODELS) - taken).update(app_label="plans")


def move_content_types_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="plans", model__in=MODELS).update(app_label="targets")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_initial"),
        ("standards", "0001_initial"),
        ("targets", "0002_move_deliberations_and_plans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist already (renamed by targets.0002, rows and all): this migration only takes the models
        # into this app's state.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PlanMeasure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="measure")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("resources", models.TextField(blank=True, verbose_name="resources needed")),
                        ("position", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "responsible",
                            models.ManyToManyField(
                                blank=True,
                                related_name="plan_measures",
                                to="org.person",
                                verbose_name="responsible persons",
                            ),
                        ),
                        (
                            "star",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="standards.star",
                                verbose_name="star",
                            ),
                        ),
                        (
                            "target",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="measures",
                                to="targets.target",
                                verbose_name="target",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "plan measure",
                        "verbose_name_plural": "plan measures",
                        "ordering": ["target", "star__position", "position", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="PlanMilestone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="milestone")),
                        ("due_on", models.DateField(verbose_name="due on")),
                        (
                            "target_value",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=14, null=True, verbose_name="target value"
                            ),
                        ),
                        ("unit", models.CharField(blank=True, max_length=20, verbose_name="unit")),
                        (
                            "measure",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="milestones",
                                to="plans.planmeasure",
                                verbose_name="measure",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "plan milestone",
                        "verbose_name_plural": "plan milestones",
                        "ordering": ["measure", "due_on", "id"],
                        "indexes": [models.Index(fields=["due_on"], name="plan_milestone_due_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="Pledge",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField(default=1, verbose_name="version")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("awaiting", "Awaiting confirmation"),
                                    ("frozen", "Confirmed by both sides"),
                                    ("void", "Void"),
                                ],
                                default="awaiting",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("content", models.JSONField(default=dict, verbose_name="content")),
                        ("content_sha256", models.CharField(blank=True, max_length=64, verbose_name="content hash")),
                        ("office_commitments", models.TextField(blank=True, verbose_name="the office's commitments")),
                        (
                            "secretary_confirmed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="secretary confirmed"),
                        ),
                        (
                            "leader_confirmed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="leader confirmed"),
                        ),
                        ("void_reason", models.CharField(blank=True, max_length=300, verbose_name="why void")),
                        ("voided_at", models.DateTimeField(blank=True, null=True, verbose_name="voided")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        (
                            "leader_confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="confirmed by the office leader",
                            ),
                        ),
                        (
                            "secretary_confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="confirmed by the secretary",
                            ),
                        ),
                        (
                            "target",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pledges",
                                to="targets.target",
                                verbose_name="target",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "responsibility letter",
                        "verbose_name_plural": "responsibility letters",
                        "ordering": ["target", "-number"],
                        "permissions": [("sign_pledge", "Can confirm responsibility letters")],
                        "constraints": [
                            models.UniqueConstraint(fields=("target", "number"), name="pledge_unique_number")
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
