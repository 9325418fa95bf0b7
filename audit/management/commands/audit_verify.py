"""manage.py audit_verify: check every audit chain, name the first broken entry of each, and hold
each chain to its latest signed checkpoint."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.verify import Verification, verify_chains


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chains (one per centre, one for the network) against their signed heads "
        "and the latest checkpoint; exits non-zero and names the first broken entry of each chain."
    )

    def handle(self, *args, **options):
        verification = verify_chains()
        for result in verification.chains.values():
            if not result.problems:
                self.stdout.write(f"Chain {result.chain}: {result.checked} entries intact.")
        self.stdout.write(_checkpoint_line(verification))
        if not verification.intact:
            raise CommandError("\n".join(_problem_lines(verification)))
        count = len(verification.chains)
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chains intact: {verification.checked} entries verified in {count} chain{'s' * (count != 1)}."
            )
        )


def _problem_lines(verification: Verification) -> list[str]:
    lines = []
    for result in verification.chains.values():
        for problem in result.problems:
            where = f"entry #{problem.seq}" if problem.seq is not None else "its start"
            intact = f"{result.checked} entries before it are intact" if problem is result.problem else ""
            lines.append(f"Audit chain {result.chain} broken at {where}: {problem.reason}. {intact}".rstrip())
    lines += [f"Audit checkpoints: {problem}." for problem in verification.file_problems]
    return lines


def _checkpoint_line(verification: Verification) -> str:
    latest = verification.checkpoints.latest
    if latest is None:
        return (
            f"No signed checkpoint in {verification.checkpoints.path}: the chains are held to their signed heads "
            "only (run manage.py audit_checkpoint periodically)."
        )
    age = timezone.now() - latest.at
    hours = age.total_seconds() / 3600
    return (
        f"Last checkpoint: {latest.at.isoformat(timespec='seconds')} ({hours:.1f} hours ago), "
        f"{len(latest.chains)} chains, line {latest.line} of {verification.checkpoints.path}."
    )
