"""The demo network, built from data/countries.yaml. Idempotent: a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from core.permissions import Role
from network import actions
from network.models import Centre, CentreKind, CentreService, Country, Coverage, Service

DATA_FILE = Path(settings.BASE_DIR) / "data" / "countries.yaml"
DEMO_PASSWORD = "sicnet-demo-2026"

# Country names in the interface languages (English is the name in the data file).
COUNTRY_NAMES = {
    "AL": {
        "sq": "Shqipëria",
        "mk": "Албанија",
        "sr": "Албанија",
        "sr-latn": "Albanija",
        "bs": "Albanija",
        "hr": "Albanija",
    },
    "BA": {
        "sq": "Bosnja dhe Hercegovina",
        "mk": "Босна и Херцеговина",
        "sr": "Босна и Херцеговина",
        "sr-latn": "Bosna i Hercegovina",
        "bs": "Bosna i Hercegovina",
        "hr": "Bosna i Hercegovina",
    },
    "XK": {"sq": "Kosova", "mk": "Косово", "sr": "Косово", "sr-latn": "Kosovo", "bs": "Kosovo", "hr": "Kosovo"},
    "ME": {
        "sq": "Mali i Zi",
        "mk": "Црна Гора",
        "sr": "Црна Гора",
        "sr-latn": "Crna Gora",
        "bs": "Crna Gora",
        "hr": "Crna Gora",
    },
    "MK": {
        "sq": "Maqedonia e Veriut",
        "mk": "Северна Македонија",
        "sr": "Северна Македонија",
        "sr-latn": "Severna Makedonija",
        "bs": "Sjeverna Makedonija",
        "hr": "Sjeverna Makedonija",
    },
    "RS": {"sq": "Serbia", "mk": "Србија", "sr": "Србија", "sr-latn": "Srbija", "bs": "Srbija", "hr": "Srbija"},
    "HR": {
        "sq": "Kroacia",
        "mk": "Хрватска",
        "sr": "Хрватска",
        "sr-latn": "Hrvatska",
        "bs": "Hrvatska",
        "hr": "Hrvatska",
    },
    "NL": {
        "sq": "Holanda",
        "mk": "Холандија",
        "sr": "Холандија",
        "sr-latn": "Holandija",
        "bs": "Holandija",
        "hr": "Nizozemska",
    },
}

# The interface language each country's public pages default to.
DEFAULT_LANGUAGE = {"AL": "sq", "BA": "bs", "XK": "sq", "ME": "sr-latn", "MK": "mk", "RS": "sr", "HR": "hr", "NL": "en"}


@dataclass(frozen=True)
class DemoCentre:
    code: str
    name: str
    country: str
    kind: str
    services: dict  # service -> (public name, phone, hours)


CENTRES = [
    DemoCentre(
        "al-crca",
        "CRCA / ECPAT Albania",
        "AL",
        CentreKind.SIC,
        {
            Service.HOTLINE: ("iSIGURT.al", "", ""),
            Service.HELPLINE: ("ALO 116 111", "116 111", "24/7"),
            Service.AWARENESS: ("", "", ""),
        },
    ),
    DemoCentre("al-state", "State Agency for the Rights and Protection of the Child", "AL", CentreKind.STATE, {}),
    DemoCentre(
        "ba-ifs-emmaus",
        "IFS-EMMAUS",
        "BA",
        CentreKind.SIC,
        {
            Service.HOTLINE: ("sigurnodijete.ba", "", ""),
            Service.HELPLINE: ("Safer Internet Centre helpline", "", ""),
            Service.AWARENESS: ("", "", ""),
            Service.YOUTH_PANEL: ("", "", ""),
        },
    ),
    DemoCentre("xk-partner", "Kosovo partner CSO", "XK", CentreKind.CSO, {Service.AWARENESS: ("", "", "")}),
    DemoCentre(
        "me-partner",
        "Montenegro partner CSO",
        "ME",
        CentreKind.CSO,
        {Service.HELPLINE: ("SOS line for children", "116 111", ""), Service.AWARENESS: ("", "", "")},
    ),
    DemoCentre(
        "mk-mksafenet",
        "MKSafeNet",
        "MK",
        CentreKind.SIC,
        {
            Service.HOTLINE: ("MKSafeNet hotline", "", ""),
            Service.HELPLINE: ("Alo Bushavko", "116 111", ""),
            Service.AWARENESS: ("", "", ""),
        },
    ),
    DemoCentre(
        "rs-nadel",
        "Centre for the Protection of Infants, Children and Youth, Belgrade",
        "RS",
        CentreKind.CSO,
        {Service.HELPLINE: ("NADEL", "116 111", "")},
    ),
    DemoCentre(
        "rs-ncc",
        "National Contact Centre for Child Safety on the Internet",
        "RS",
        CentreKind.STATE,
        {Service.HOTLINE: ("National Contact Centre for Child Safety on the Internet", "19833", "")},
    ),
    DemoCentre(
        "hr-sic",
        "Croatian Safer Internet Centre",
        "HR",
        CentreKind.SIC,
        {Service.HOTLINE: ("Croatian SIC hotline", "", ""), Service.HELPLINE: ("116 111", "116 111", "")},
    ),
    DemoCentre("wbsic-coordination", "WB-SIC Network coordination", "BA", CentreKind.INTERNATIONAL, {}),
    DemoCentre("inhope", "INHOPE", "NL", CentreKind.INTERNATIONAL, {}),
]

# (country, service) -> centre code. Countries without their own service are covered by a partner.
COVERAGE = {
    ("AL", Service.HOTLINE): "al-crca",
    ("AL", Service.HELPLINE): "al-crca",
    ("BA", Service.HOTLINE): "ba-ifs-emmaus",
    ("BA", Service.HELPLINE): "ba-ifs-emmaus",
    ("XK", Service.HOTLINE): "al-crca",
    ("XK", Service.HELPLINE): "al-crca",
    ("ME", Service.HOTLINE): "ba-ifs-emmaus",
    ("ME", Service.HELPLINE): "me-partner",
    ("MK", Service.HOTLINE): "mk-mksafenet",
    ("MK", Service.HELPLINE): "mk-mksafenet",
    ("RS", Service.HOTLINE): "rs-ncc",
    ("RS", Service.HELPLINE): "rs-nadel",
    ("HR", Service.HOTLINE): "hr-sic",
    ("HR", Service.HELPLINE): "hr-sic",
}

# (email, full name, language, [(centre code, role)], platform administrator)
USERS = [
    ("analyst.al@demo.sicnet.example", "Arta Analyst", "sq", [("al-crca", Role.HOTLINE_ANALYST)], False),
    ("counsellor.al@demo.sicnet.example", "Blerina Counsellor", "sq", [("al-crca", Role.HELPLINE_COUNSELLOR)], False),
    ("supervisor.al@demo.sicnet.example", "Dritan Supervisor", "sq", [("al-crca", Role.SUPERVISOR)], False),
    ("manager.al@demo.sicnet.example", "Elira Manager", "sq", [("al-crca", Role.CENTRE_MANAGER)], False),
    ("auditor.al@demo.sicnet.example", "Fatos Auditor", "en", [("al-crca", Role.AUDITOR)], False),
    ("state.al@demo.sicnet.example", "Genta State Viewer", "sq", [("al-state", Role.STATE_VIEWER)], False),
    ("analyst.mk@demo.sicnet.example", "Ana Analyst", "mk", [("mk-mksafenet", Role.HOTLINE_ANALYST)], False),
    (
        "counsellor.mk@demo.sicnet.example",
        "Bojan Counsellor",
        "mk",
        [("mk-mksafenet", Role.HELPLINE_COUNSELLOR)],
        False,
    ),
    ("supervisor.mk@demo.sicnet.example", "Vesna Supervisor", "mk", [("mk-mksafenet", Role.SUPERVISOR)], False),
    ("manager.mk@demo.sicnet.example", "Goran Manager", "mk", [("mk-mksafenet", Role.CENTRE_MANAGER)], False),
    ("auditor.mk@demo.sicnet.example", "Dragana Auditor", "mk", [("mk-mksafenet", Role.AUDITOR)], False),
    (
        "coordinator@demo.sicnet.example",
        "Nora Coordinator",
        "en",
        [("wbsic-coordination", Role.NETWORK_COORDINATOR)],
        False,
    ),
    ("admin@demo.sicnet.example", "Platform Administrator", "en", [], True),
]


def load_countries() -> list[dict]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["countries"]


def _upsert_country(code: str, name: str, languages: list[str], in_network: bool) -> Country:
    country, _ = Country.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "names": COUNTRY_NAMES.get(code, {}),
            "languages": languages,
            "default_language": DEFAULT_LANGUAGE.get(code, "en"),
            "time_zone": "Europe/Amsterdam"
            if code == "NL"
            else ("Europe/Tirane" if code in ("AL", "XK") else "Europe/Belgrade"),
            "in_network": in_network,
        },
    )
    return country


def _upsert_centre(spec: DemoCentre, countries: dict) -> Centre:
    centre, _ = Centre.objects.get_or_create(
        code=spec.code, defaults={"name": spec.name, "kind": spec.kind, "country": countries[spec.country]}
    )
    for service, (public_name, phone, hours) in spec.services.items():
        CentreService.objects.get_or_create(
            centre=centre, service=service, defaults={"public_name": public_name, "phone": phone, "hours": hours}
        )
    return centre


def _upsert_user(email: str, full_name: str, language: str, is_admin: bool):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=full_name,
            language=language,
            is_demo=True,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
    return user


@transaction.atomic
def build_demo_network() -> dict:
    countries = {}
    for item in load_countries():
        countries[item["code"]] = _upsert_country(item["code"], item["name"], item.get("languages", []), True)
    countries["NL"] = _upsert_country("NL", "Netherlands", ["nl-NL"], False)
    centres = {spec.code: _upsert_centre(spec, countries) for spec in CENTRES}
    for (country_code, service), centre_code in COVERAGE.items():
        Coverage.objects.get_or_create(
            country=countries[country_code], service=service, defaults={"centre": centres[centre_code]}
        )
    users = []
    for email, full_name, language, roles, is_admin in USERS:
        user = _upsert_user(email, full_name, language, is_admin)
        for centre_code, role in roles:
            actions.grant_role(user, centre=centres[centre_code], role=role, by=None)
        users.append((user, roles))
    return {"countries": countries, "centres": centres, "users": users}
