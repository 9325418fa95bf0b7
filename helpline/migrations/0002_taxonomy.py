"""Load the CHI reasons for contact and the Insafe topics (helpline/data/taxonomy.yaml)."""

from pathlib import Path

import yaml
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "taxonomy.yaml"


def load(apps, schema_editor):
    Category = apps.get_model("helpline", "Category")
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    position = 0
    for parent_name, children in data["chi_reasons_for_contact"].items():
        position += 1
        parent = Category.objects.create(scheme="chi", name=parent_name, position=position)
        for name in children:
            position += 1
            Category.objects.create(scheme="chi", parent=parent, name=name, position=position)
    for index, name in enumerate(data["insafe_online_topics"], start=1):
        Category.objects.create(scheme="insafe", name=name, position=index)


def unload(apps, schema_editor):
    Category = apps.get_model("helpline", "Category")
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("helpline", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
