"""One chain per centre (and one for the network), each with its own head row.

The entries written before this migration stay one chain, the "legacy" chain, verified exactly as
before: their hashes cover the entry before them in the one chain there was, so splitting them
into centres' chains would mean rewriting every hash, which is what the log exists to make
impossible. The legacy chain's head is the old head row (its last entry and hash) and its range is
every entry up to that one; entries after it are in their centre's chain, each chain starting from
the genesis hash. The head is signed here with AUDIT_ANCHOR_KEY, like every head written later.
"""

from django.db import migrations, models

LEGACY_CHAIN = "legacy"
GENESIS_HASH = "0" * 64


def legacy_chain(apps, schema_editor):
    from audit.anchor import sign_head

    AuditEntry = apps.get_model("audit", "AuditEntry")
    OldHead = apps.get_model("audit", "OldChainHead")
    ChainHead = apps.get_model("audit", "ChainHead")
    old = OldHead.objects.filter(id=1).values_list("seq", "hash").first()
    if old is None:
        # No head (a deleted row, which audit_verify reported): the legacy chain ends at its last entry.
        old = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if old is None or old[1] == GENESIS_HASH:
        return  # no entries yet: nothing to keep apart
    seq, last_hash = old
    ChainHead.objects.create(chain=LEGACY_CHAIN, seq=seq, hash=last_hash, signature=sign_head(LEGACY_CHAIN, last_hash))


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_indexes_without_like")]

    operations = [
        migrations.RenameModel("ChainHead", "OldChainHead"),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("chain", models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="chain")),
                ("seq", models.BigIntegerField(verbose_name="last entry")),
                ("hash", models.CharField(max_length=64, verbose_name="last hash")),
                ("signature", models.CharField(blank=True, max_length=64, verbose_name="signature")),
            ],
            options={"verbose_name": "audit chain head", "verbose_name_plural": "audit chain heads"},
        ),
        migrations.RunPython(legacy_chain, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel("OldChainHead"),
    ]
