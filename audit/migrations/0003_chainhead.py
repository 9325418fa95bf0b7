from django.db import migrations, models


def start_at_last_entry(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ChainHead = apps.get_model("audit", "ChainHead")
    last = AuditEntry.objects.order_by("-seq").first()
    if last is None:
        ChainHead.objects.create(id=1, seq=0, hash="0" * 64)
    else:
        ChainHead.objects.create(id=1, seq=last.seq, hash=last.hash)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(verbose_name="last entry")),
                ("hash", models.CharField(max_length=64, verbose_name="last hash")),
            ],
            options={"verbose_name": "audit chain head", "verbose_name_plural": "audit chain head"},
        ),
        migrations.RunPython(start_at_last_entry, migrations.RunPython.noop, elidable=False),
    ]
