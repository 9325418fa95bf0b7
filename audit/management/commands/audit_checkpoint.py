"""manage.py audit_checkpoint: append the newest link of every audit chain, signed, to the
checkpoint file (run by cron; see README)."""

from django.core.management.base import BaseCommand, CommandError

from audit.anchor import Link, append_checkpoint, head_signed, new_checkpoint, read_checkpoints
from audit.models import GENESIS_HASH, AuditEntry, ChainHead
from audit.verify import one_snapshot, verify_chains


class Command(BaseCommand):
    help = (
        "Append a signed checkpoint of every audit chain's newest link to AUDIT_CHECKPOINT_DIR. Refuses, "
        "writing nothing, when a head is not signed or a chain lost its last checkpointed link."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--verify", action="store_true", help="walk every chain first (audit_verify) and refuse if one is broken"
        )

    def handle(self, *args, **options):
        if options["verify"] and not verify_chains().intact:
            raise CommandError("An audit chain is broken (see manage.py audit_verify): no checkpoint written.")
        previous = read_checkpoints()
        for line in previous.unsigned:
            self.stderr.write(f"Line {line} of {previous.path} is not signed with the anchor key.")
        with one_snapshot():  # heads and entries as of one moment
            heads = {head.chain: head for head in ChainHead.objects.exclude(hash=GENESIS_HASH)}
            problems = _problems(heads, previous.latest.chains if previous.latest else {})
        if problems:
            raise CommandError("No checkpoint written: " + "; ".join(problems) + ". Run manage.py audit_verify.")
        path = append_checkpoint(new_checkpoint({chain: Link(head.seq, head.hash) for chain, head in heads.items()}))
        self.stdout.write(self.style.SUCCESS(f"Checkpoint of {len(heads)} audit chains appended to {path}."))


def _problems(heads: dict, checkpointed: dict[str, Link]) -> list[str]:
    """A cheap check (two index lookups), not a walk: a checkpoint must not anchor a forged head."""
    problems = [
        f"the head of chain {chain} is not signed with the anchor key"
        for chain, head in heads.items()
        if not head_signed(chain, head.hash, head.signature)
    ]
    present = set(
        AuditEntry.objects.unscoped("audit checkpoint")
        .filter(hash__in=[head.hash for head in heads.values()])
        .values_list("hash", flat=True)
    )
    problems += [
        f"the newest entry of chain {chain} is missing" for chain, head in heads.items() if head.hash not in present
    ]
    kept = set(
        AuditEntry.objects.unscoped("audit checkpoint")
        .filter(hash__in=[link.hash for link in checkpointed.values()])
        .values_list("hash", flat=True)
    )
    problems += [
        f"chain {chain} lost entry #{link.seq}, its link in the previous checkpoint"
        for chain, link in checkpointed.items()
        if link.hash not in kept and link.hash != GENESIS_HASH
    ]
    return problems
