"""Load the MNR framework (6 domains, 21 capabilities, maturity levels) from nrm/data/."""

from pathlib import Path

import yaml
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "mnr-framework.yaml"


def load(apps, schema_editor):
    Framework = apps.get_model("nrm", "Framework")
    MaturityLevel = apps.get_model("nrm", "MaturityLevel")
    Domain = apps.get_model("nrm", "Domain")
    Capability = apps.get_model("nrm", "Capability")
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    framework, _created = Framework.objects.get_or_create(
        code=data["framework"],
        version=str(data["version"]),
        defaults={"name": "Model National Response", "is_current": True},
    )
    for level in data["maturity_levels"]:
        MaturityLevel.objects.get_or_create(framework=framework, level=level["level"], defaults={"name": level["label"]})
    for number, domain_data in enumerate(data["domains"], start=1):
        domain, _created = Domain.objects.get_or_create(
            framework=framework, number=number, defaults={"name": domain_data["name"]}
        )
        for capability in domain_data["capabilities"]:
            Capability.objects.get_or_create(
                domain=domain,
                number=capability["number"],
                defaults={"name": capability["name"], "summary": capability["summary"]},
            )


class Migration(migrations.Migration):
    dependencies = [("nrm", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
