"""manage.py seed_demo: the demo network and its users. Refuses to run when DEBUG is off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.permissions import Role
from network.demo import DEMO_PASSWORD, USERS, build_demo_network


class Command(BaseCommand):
    help = "Load the demo network (countries, centres, coverage, demo users). Safe to run twice."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run when DEBUG is off: demo users must never reach production.")
        build_demo_network()
        self.stdout.write(self.style.SUCCESS("Demo network ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        labels = dict(Role.CHOICES)
        for email, _name, _language, roles, _is_admin in USERS:
            what = ", ".join(f"{labels[role]} @ {centre}" for centre, role in roles) or "platform administrator"
            self.stdout.write(f"  {email:<40} {what}")
