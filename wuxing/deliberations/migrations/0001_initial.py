"""Deliberations, their steps and attachments, and the procedure settings, taken over from the targets app.

The content types (and with them the permissions of the moved models) move too, so that anything pointing at
them keeps pointing at the same models."""

import django.db.models.deletion
import wuxing.core.models
from django.conf import settings
from django.db import migrations, models


MODELS = ["deliberation", "deliberationstep", "proceduresetting", "stepattachment"]


def move_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(content_type.objects.using(db).filter(app_label="deliberations").values_list("model", flat=True))
    content_type.objects.using(db).filter(app_label="targets", model__in=set(MODELS) - taken).update(
        app_label="deliberations"
    )


def move_content_types_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="deliberations", model__in=MODELS).update(app_label="targets")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("campaigns", "0003_campaign_result"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_initial"),
        ("targets", "0002_move_deliberations_and_plans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist already (renamed by targets.0002, rows and all): this migration only takes the models
        # into this app's state.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Deliberation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("subject", models.CharField(max_length=200, verbose_name="subject")),
                        (
                            "matter",
                            models.CharField(
                                choices=[
                                    ("target", "Star target"),
                                    ("project", "Project"),
                                    ("collective_funds", "Use of collective funds"),
                                    ("other", "Other major matter"),
                                ],
                                default="target",
                                max_length=20,
                                verbose_name="kind of matter",
                            ),
                        ),
                        (
                            "procedure",
                            models.CharField(
                                choices=[
                                    ("four_two", "Four deliberations, two disclosures"),
                                    ("one_three_two", "One solicitation, three deliberations, two disclosures"),
                                ],
                                max_length=16,
                                verbose_name="procedure",
                            ),
                        ),
                        (
                            "publication_days",
                            models.PositiveSmallIntegerField(default=7, verbose_name="publication period (days)"),
                        ),
                        (
                            "quorum_numerator",
                            models.PositiveSmallIntegerField(default=2, verbose_name="quorum numerator"),
                        ),
                        (
                            "quorum_denominator",
                            models.PositiveSmallIntegerField(default=3, verbose_name="quorum denominator"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "In progress"), ("closed", "Closed")],
                                default="open",
                                max_length=8,
                                verbose_name="status",
                            ),
                        ),
                        ("implementation", models.TextField(blank=True, verbose_name="implementation")),
                        ("implemented_on", models.DateField(blank=True, null=True, verbose_name="implemented on")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                        (
                            "branch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliberations",
                                to="org.branch",
                                verbose_name="branch",
                            ),
                        ),
                        (
                            "campaign",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="deliberations",
                                to="campaigns.campaign",
                                verbose_name="campaign",
                            ),
                        ),
                        (
                            "target",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="deliberations",
                                to="targets.target",
                                verbose_name="target",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "deliberation",
                        "verbose_name_plural": "deliberations",
                        "ordering": ["-created_at", "-id"],
                        "permissions": [("record_deliberation", "Can record deliberation steps")],
                    },
                ),
                migrations.CreateModel(
                    name="DeliberationStep",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "step",
                            models.CharField(
                                choices=[
                                    ("solicit_opinions", "Solicit residents' opinions"),
                                    ("propose", "Party organisation proposes"),
                                    ("committees_consult", "Two committees consult"),
                                    ("party_meeting_review", "Party members' meeting reviews"),
                                    ("villagers_resolve", "Villagers (representatives) resolve"),
                                    ("residents_resolve", "Residents (representatives) resolve"),
                                    ("resolution_published", "Resolution published"),
                                    ("result_published", "Implementation result published"),
                                ],
                                max_length=24,
                                verbose_name="step",
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(verbose_name="order")),
                        (
                            "merged",
                            models.BooleanField(
                                default=False, verbose_name="merged with the two committees' consultation"
                            ),
                        ),
                        ("held_on", models.DateField(verbose_name="date")),
                        ("place", models.CharField(blank=True, max_length=100, verbose_name="place")),
                        ("chair", models.CharField(blank=True, max_length=50, verbose_name="chair")),
                        (
                            "meeting_form",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("representatives", "Representatives' meeting"),
                                    ("assembly", "Meeting of all villagers / residents"),
                                ],
                                max_length=16,
                                verbose_name="meeting form",
                            ),
                        ),
                        (
                            "should_attend",
                            models.PositiveIntegerField(blank=True, null=True, verbose_name="should attend"),
                        ),
                        ("attended", models.PositiveIntegerField(blank=True, null=True, verbose_name="attended")),
                        (
                            "households_represented",
                            models.PositiveIntegerField(blank=True, null=True, verbose_name="households represented"),
                        ),
                        ("yes", models.PositiveIntegerField(blank=True, null=True, verbose_name="yes")),
                        ("no", models.PositiveIntegerField(blank=True, null=True, verbose_name="no")),
                        ("abstain", models.PositiveIntegerField(blank=True, null=True, verbose_name="abstain")),
                        ("minutes", models.TextField(blank=True, verbose_name="minutes")),
                        ("published_until", models.DateField(blank=True, null=True, verbose_name="published until")),
                        ("recorded_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded")),
                        (
                            "deliberation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="steps",
                                to="deliberations.deliberation",
                                verbose_name="deliberation",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recorded by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "deliberation step",
                        "verbose_name_plural": "deliberation steps",
                        "ordering": ["deliberation", "position"],
                    },
                ),
                migrations.CreateModel(
                    name="ProcedureSetting",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("branch_kind", models.CharField(max_length=24, verbose_name="kind of branch")),
                        (
                            "procedure",
                            models.CharField(
                                choices=[
                                    ("four_two", "Four deliberations, two disclosures"),
                                    ("one_three_two", "One solicitation, three deliberations, two disclosures"),
                                ],
                                max_length=16,
                                verbose_name="procedure",
                            ),
                        ),
                        (
                            "publication_days",
                            models.PositiveSmallIntegerField(default=7, verbose_name="publication period (days)"),
                        ),
                        (
                            "quorum_numerator",
                            models.PositiveSmallIntegerField(default=2, verbose_name="quorum numerator"),
                        ),
                        (
                            "quorum_denominator",
                            models.PositiveSmallIntegerField(default=3, verbose_name="quorum denominator"),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="org.orgunit",
                                verbose_name="office",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "procedure setting",
                        "verbose_name_plural": "procedure settings",
                    },
                ),
                migrations.CreateModel(
                    name="StepAttachment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                max_length=200, upload_to=wuxing.core.models.evidence_upload_path, verbose_name="file"
                            ),
                        ),
                        (
                            "thumbnail",
                            models.FileField(
                                blank=True,
                                max_length=200,
                                upload_to=wuxing.core.models.evidence_upload_path,
                                verbose_name="thumbnail",
                            ),
                        ),
                        ("original_name", models.CharField(max_length=200, verbose_name="file name")),
                        ("content_type", models.CharField(max_length=50, verbose_name="type")),
                        ("size", models.PositiveIntegerField(verbose_name="size")),
                        ("sha256", models.CharField(max_length=64, verbose_name="checksum")),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded")),
                        (
                            "step",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attachments",
                                to="deliberations.deliberationstep",
                                verbose_name="deliberation step",
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="uploaded by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "attachment",
                        "verbose_name_plural": "attachments",
                        "ordering": ["step", "uploaded_at"],
                    },
                ),
                migrations.AddIndex(
                    model_name="deliberation",
                    index=models.Index(fields=["branch", "status"], name="deliberation_branch_status_idx"),
                ),
                migrations.AddIndex(
                    model_name="deliberationstep",
                    index=models.Index(fields=["step", "held_on"], name="deliberation_step_pub_idx"),
                ),
                migrations.AddConstraint(
                    model_name="deliberationstep",
                    constraint=models.UniqueConstraint(
                        fields=("deliberation", "step"), name="deliberation_step_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="proceduresetting",
                    constraint=models.UniqueConstraint(
                        fields=("office", "branch_kind"), name="procedure_setting_unique_kind"
                    ),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
