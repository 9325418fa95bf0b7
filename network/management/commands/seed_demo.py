"""manage.py seed_demo: the demo network and its users. Refuses to run when DEBUG is off."""

import importlib
import importlib.util

from django.apps import apps
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
        seed_apps()
        self.stdout.write(self.style.SUCCESS("Demo network ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        labels = dict(Role.CHOICES)
        for email, _name, _language, roles, _is_admin in USERS:
            what = ", ".join(f"{labels[role]} @ {centre}" for centre, role in roles) or "platform administrator"
            self.stdout.write(f"  {email:<40} {what}")


def seed_apps() -> None:
    """Each app may add demo records in its own ``demo.seed()``; network cannot import them."""
    for config in apps.get_app_configs():
        module = f"{config.name}.demo"
        if config.name != "network" and importlib.util.find_spec(module):
            importlib.import_module(module).seed()
