"""Demo contacts for `manage.py seed_demo`, logged by the demo counsellors; invented, not real."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from helpline.actions import log_contact, log_quick_contact
from helpline.models import Channel, Contact, ContactKind, Urgency

# (counsellor email, channel, summary, urgency)
DEMO_CONTACTS = [
    (
        "counsellor.al@demo.sicnet.example",
        Channel.PHONE,
        "Demo: a girl of 14 is being pressured to send photos.",
        Urgency.URGENT,
    ),
    (
        "counsellor.al@demo.sicnet.example",
        Channel.CHAT,
        "Demo: a boy of 12 is bullied in a class group chat.",
        Urgency.CONCERNING,
    ),
    (
        "counsellor.mk@demo.sicnet.example",
        Channel.PHONE,
        "Demo: a parent asks how to set up parental controls.",
        Urgency.ROUTINE,
    ),
]


def seed() -> None:
    emails = sorted({email for email, *_ in DEMO_CONTACTS})
    for user in get_user_model().objects.filter(email__in=emails):
        membership = user.memberships.select_related("centre").first()
        if (
            membership is None
            or Contact.objects.unscoped("demo seeding").filter(centre=membership.centre, counsellor=user).exists()
        ):
            continue  # a second run changes nothing
        for email, channel, summary, urgency in DEMO_CONTACTS:
            if email == user.email:
                _log(membership.centre, user, channel, summary, urgency)
        log_quick_contact(centre=membership.centre, by=user, kind=ContactKind.SILENT, channel=Channel.PHONE)


def _log(centre, user, channel: str, summary: str, urgency: str) -> None:
    now = timezone.now()
    data = {
        "kind": ContactKind.COUNSELLING,
        "channel": channel,
        "started_at": now - timedelta(minutes=12),
        "ended_at": now,
        "summary": summary,
        "urgency": urgency,
    }
    log_contact(None, centre=centre, by=user, data=data)
