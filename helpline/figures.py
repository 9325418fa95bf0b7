"""The helpline's figures provider (core.registry), for the statistics app: the logged contacts of
a centre in a period, counted as the CHI and Insafe exports count them (no narrative, no record)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from core.registry import register_figures
from helpline.exports import contacts_in, counts_by
from helpline.models import ContactKind

FIGURES = (
    ("contacts", _("contacts logged")),
    ("counselling", _("counselling contacts")),
    ("by_kind", _("contacts by kind")),
    ("by_channel", _("counselling contacts by channel")),
    ("by_age_band", _("counselling contacts by age band")),
    ("by_gender", _("counselling contacts by gender")),
)


def provide(centre_id, start: date, end: date) -> dict:
    """Both dates included (the provider contract); the exports take the end as excluded."""
    contacts = contacts_in(centre_id, start, end + timedelta(days=1))
    counselling = contacts.filter(kind=ContactKind.COUNSELLING)
    by_kind = counts_by(contacts, "kind")
    return {
        "contacts": sum(by_kind.values()),
        "counselling": by_kind.get(ContactKind.COUNSELLING, 0),
        "by_kind": by_kind,
        "by_channel": counts_by(counselling, "channel"),
        "by_age_band": counts_by(counselling, "age_band"),
        "by_gender": counts_by(counselling, "gender"),
    }


def register() -> None:
    register_figures("helpline", provide, description=_("Contacts logged by the helpline"), figures=FIGURES)
