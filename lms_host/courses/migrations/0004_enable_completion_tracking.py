"""Turn on edx-completion's tracking switch in the host, as operators do in the LMS (waffle switch)."""

from django.db import migrations

SWITCH = "completion.enable_completion_tracking"


def enable(apps, schema_editor):
    apps.get_model("waffle", "Switch").objects.update_or_create(name=SWITCH, defaults={"active": True})


def disable(apps, schema_editor):
    apps.get_model("waffle", "Switch").objects.filter(name=SWITCH).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("host_courses", "0003_userprofile"),
        ("waffle", "0004_update_everyone_nullbooleanfield"),
    ]

    operations = [migrations.RunPython(enable, disable)]
