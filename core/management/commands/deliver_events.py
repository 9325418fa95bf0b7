"""Re-deliver events whose queued delivery was lost or failed (run from cron, e.g. every minute),
and delete those delivered more than 30 days ago."""

from django.core.management.base import BaseCommand, CommandParser

from core import events


class Command(BaseCommand):
    help = "Deliver the events that are due again (lost or failed), with backoff; --event revives a dead one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", help="deliver this event now, even if it is dead (its cause was fixed)")
        parser.add_argument("--limit", type=int, default=500, help="at most this many events a run")

    def handle(self, *args, event=None, limit=500, **options) -> None:
        if event:
            done = events.revive(event)
            self.stdout.write("delivered" if done else "not delivered: see the event's last error")
            return
        delivered, waiting = events.sweep(limit=limit)
        events.prune()
        if options["verbosity"]:
            self.stdout.write(f"{delivered} delivered, {waiting} still waiting or dead")
