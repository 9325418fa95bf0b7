"""Demo hash lists for `manage.py seed_demo`: made-up values (hashes of "demo-…" strings), never real ones."""

import hashlib

from hashes import actions
from hashes.models import HashList, ListKind, TrustLevel
from network.models import Centre

# (centre code, list name, kind, source, number of SHA-256 values, number of PDQ values). The own
# lists carry the name the hotline's confirmations go to (actions.CONFIRMED_LIST_NAME); Albania's
# shares with the network.
DEMO_LISTS = [
    ("al-crca", "al-crca confirmed", ListKind.OWN, "", 12, 3),
    ("al-crca", "Western Balkans network list", ListKind.NETWORK, "", 8, 2),
    ("mk-mksafenet", "mk-mksafenet confirmed", ListKind.OWN, "", 6, 1),
]
SHARING = {"al-crca confirmed"}


def demo_value(*parts: object) -> str:
    """A made-up SHA-256 value of a demo list (the hotline's demo item points at one)."""
    return _demo_value(*parts)


def _demo_value(*parts: object) -> str:
    return hashlib.sha256("demo-".join(map(str, parts)).encode()).hexdigest()


def seed() -> None:
    for code, name, kind, source, sha_count, pdq_count in DEMO_LISTS:
        centre = Centre.objects.filter(code=code).first()
        if centre is None or HashList.objects.unscoped("demo seeding").filter(centre=centre, name=name).exists():
            continue  # a second run adds nothing
        hash_list = actions.create_list(
            centre,
            by=None,
            name=name,
            kind=kind,
            source=source,
            trust_level=TrustLevel.HIGH,
            shares_with_network=name in SHARING,
        )
        for number in range(sha_count):
            classification = "baseline" if number % 3 else "national"
            actions.add_entry(
                hash_list,
                by=None,
                algorithm="sha256",
                value=_demo_value(name, number),
                classification=classification,
                origin="demo",
            )
        for number in range(pdq_count):
            actions.add_entry(
                hash_list,
                by=None,
                algorithm="pdq",
                value=_demo_value(name, "pdq", number),
                classification="baseline",
                quality=90,
                origin="demo",
            )
