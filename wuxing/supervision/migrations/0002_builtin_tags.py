"""The running activities every office can tag its evaluations and inspections with (SPEC §2.3)."""

from django.db import migrations

BUILTIN = ["能力作风建设年", "三标", "亮赛比"]


def add_tags(apps, schema_editor):
    ActivityTag = apps.get_model("supervision", "ActivityTag")
    for name in BUILTIN:
        ActivityTag.objects.get_or_create(office=None, name=name)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
