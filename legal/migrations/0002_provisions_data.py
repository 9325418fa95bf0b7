"""Load the provisions of the legal-harmonisation checklist from legal/data/."""

from pathlib import Path

import yaml
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "legal-provisions.yaml"


def load(apps, schema_editor):
    Provision = apps.get_model("legal", "Provision")
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for order, item in enumerate(data["provisions"], start=1):
        Provision.objects.get_or_create(
            code=item["code"],
            defaults={
                "group": item["group"],
                "title": item["title"],
                "references": list(item.get("refs", [])),
                "reference_text": item["title"],
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
