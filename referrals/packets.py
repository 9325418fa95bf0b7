"""The minimised packet of a referral, built from the origin record through read-only queries,
and the receiver's own record created from the packet on acceptance.

The packet holds facts written for the referral, never a copy of the origin record: a hotline
item gives its canonical URL, assessment, hosting details and dates; a helpline case gives the
summary the counsellor writes for the referral, categories, age band and urgency, and identifying
detail only when consent to share is recorded or a supervisor overrides it with a reason.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline import actions as helpline_actions
from helpline.models import AgeBand, RiskLevel, Urgency
from hotline import taxonomy
from hotline.actions import create_report
from hotline.models import Item
from referrals.models import Kind


def _iso(value) -> str:
    return value.isoformat() if value else ""


def hotline_packet(item: Item, *, note: str = "") -> tuple[dict, dict]:
    """(facts, narrative) of a hotline item; the analyst's notes are never included."""
    facts = {
        "urls": [item.url],
        "harm_type": item.harm_type,
        "assessment": item.assessment,
        "content_type": item.content_type,
        "site_type": item.site_type,
        "victim_age": item.victim_age,
        "victim_gender": item.victim_gender,
        "flags": list(item.flags or []),
        "hosting_provider": item.hosting_provider,
        "hosting_country": item.hosting_country,
        "registrar": item.registrar,
        "received_at": _iso(item.received_at),
        "assessed_at": _iso(item.assessed_at),
        "traced_at": _iso(item.traced_at),
    }
    return facts, ({"note": note} if note.strip() else {})


def helpline_packet(case, *, summary: str, override: bool = False) -> tuple[dict, dict]:
    """(facts, narrative) of a helpline case, minimised behind the consent gate."""
    contacts = list(case.contacts.filter(is_draft=False).prefetch_related("categories"))
    consent = any(c.consent_share for c in contacts)
    categories = sorted({cat.pk: cat.name for c in contacts for cat in c.categories.all()}.items(), key=lambda p: p[1])
    latest = max(contacts, key=lambda c: c.started_at, default=None)
    urgency = max((c.urgency for c in contacts), key=Urgency.values.index, default=Urgency.ROUTINE)
    facts = {
        "categories": [name for _pk, name in categories],
        "category_ids": [str(pk) for pk, _name in categories],
        "age_band": latest.age_band if latest else "",
        "urgency": urgency,
        "risk_level": case.risk_level,
        "identifying": bool(consent or override),
        "consent_share": consent,
    }
    narrative = {"summary": summary.strip()}
    if (consent or override) and latest is not None:
        narrative["identifying"] = {
            "contact_details": latest.contact_details,
            "municipality": latest.municipality,
            "age": latest.age,
            "gender": latest.gender,
        }
    return facts, narrative


def create_receiver_record(referral, *, by):
    """The receiver's own record from the packet; returns its id (None for a request for information)."""
    if referral.kind == Kind.HOTLINE_ITEM:
        facts = referral.packet
        report, _created = create_report(
            country=referral.sender.country.code,
            harm_type=facts.get("harm_type") or "other",
            urls=facts.get("urls", []),
            source="partner_hotline",
            by=by,
            centre=referral.receiver,
            origin_reference=f"referral:{referral.pk}",
            idempotency_key=f"referral:{referral.pk}",
        )
        return report.pk
    if referral.kind == Kind.HELPLINE_CASE:
        facts, narrative = referral.packet, referral.narrative
        data = {
            "kind": "counselling",
            "summary": narrative.get("summary", ""),
            "age_band": facts.get("age_band", ""),
            "urgency": facts.get("urgency", "routine"),
            "categories": facts.get("category_ids", []),
        }
        contact = helpline_actions.log_contact(None, centre=referral.receiver, by=by, data=data)
        case = helpline_actions.open_case(contact, by=by, risk_level=facts.get("risk_level", "low"))
        return case.pk
    return None


def display_rows(referral) -> list[tuple[str, str]]:
    """The packet's facts as (label, value) pairs in the reader's language; URLs are left out (shown defanged)."""
    facts = referral.packet or {}
    choices = {
        "harm_type": (_("Reported harm"), taxonomy.HarmType),
        "assessment": (_("Assessment"), taxonomy.Assessment),
        "content_type": (_("Content type"), taxonomy.ContentType),
        "site_type": (_("Site type"), taxonomy.SiteType),
        "victim_age": (_("Victim age group"), taxonomy.VictimAge),
        "age_band": (_("Age band"), AgeBand),
        "urgency": (_("Urgency"), Urgency),
        "risk_level": (_("Risk level"), RiskLevel),
    }
    plain = {
        "hosting_provider": _("Hosting provider"),
        "hosting_country": _("Hosting country"),
        "registrar": _("Registrar"),
        "received_at": _("Received"),
        "assessed_at": _("Assessed"),
        "traced_at": _("Traced"),
    }
    rows: list[tuple[str, str]] = []
    for key, value in facts.items():
        if value in ("", None, []):
            continue
        if key in choices:
            label, enum = choices[key]
            try:
                rows.append((label, str(enum(value).label)))
            except ValueError:
                rows.append((label, str(value)))
        elif key in plain:
            rows.append((plain[key], str(value)[:16].replace("T", " ")))
        elif key == "categories":
            rows.append((_("Categories"), ", ".join(value)))
        elif key == "identifying":
            rows.append((_("Identifying detail included"), _("yes") if value else _("no")))
    return rows
