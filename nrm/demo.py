"""A draft NRM assessment of Albania for `manage.py seed_demo`, with a few capabilities rated."""

from django.contrib.auth import get_user_model

from network.models import Country
from nrm.actions import create_assessment, rate_capability
from nrm.models import Assessment, Capability
from nrm.queries import current_framework

DEMO_PERIOD = "2026"
# capability number -> maturity level
DEMO_RATINGS = {1: 3, 2: 2, 3: 2, 4: 1, 5: 3, 6: 2}


def seed() -> None:
    country = Country.objects.filter(code="AL").first()
    manager = get_user_model().objects.filter(email="manager.al@demo.sicnet.example").first()
    if (
        country is None
        or manager is None
        or Assessment.objects.unscoped("demo seeding").filter(country=country, period=DEMO_PERIOD).exists()
    ):
        return
    framework = current_framework()
    assessment = create_assessment(country, framework=framework, period=DEMO_PERIOD, by=manager)
    capabilities = Capability.objects.filter(domain__framework=framework, number__in=DEMO_RATINGS)
    for capability in capabilities:
        rate_capability(
            assessment,
            capability,
            by=manager,
            level=DEMO_RATINGS[capability.number],
            evidence="Demo evidence: see the national strategy.",
        )
