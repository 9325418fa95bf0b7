"""Demo reports for `manage.py seed_demo`: fictitious URLs on reserved example domains only."""

from hashes.demo import demo_value
from hotline.actions import add_item_hashes, create_report, idempotency_hash, url_hash
from hotline.models import Item, Report
from hotline.taxonomy import HarmType, Source

# (idempotency key, country, harm type, URLs, reported by a child, age band)
DEMO_REPORTS = [
    ("demo-al-1", "AL", HarmType.CSAM, ["https://images.example.com/gallery/4821"], False, ""),
    ("demo-al-2", "AL", HarmType.SEXTORTION, ["https://chat.example.net/u/lost-friend-17"], True, "13_15"),
    ("demo-al-3", "AL", HarmType.CSAM, ["https://images.example.com/gallery/4821?utm_source=x"], False, ""),
    ("demo-al-4", "XK", HarmType.CYBERBULLYING, ["https://forum.example.org/t/class-7b"], True, "13_15"),
    ("demo-mk-1", "MK", HarmType.CSAM, ["https://files.example.org/share/9f3a"], False, ""),
    ("demo-mk-2", "MK", HarmType.GROOMING, ["https://social.example.com/profile/coach-mk"], True, "under_13"),
]


def seed() -> None:
    for key, country, harm, urls, child, age_band in DEMO_REPORTS:
        # Skip what exists: a second run must not even advance a reference counter.
        if Report.objects.unscoped("demo seeding").filter(idempotency_key=idempotency_hash(key)).exists():
            continue
        create_report(
            country=country,
            harm_type=harm,
            urls=urls,
            source=Source.WEB_FORM,
            reporter_is_child=child,
            age_band=age_band,
            idempotency_key=key,
            language="en",
        )
    _known_hash_on_an_item()


def _known_hash_on_an_item() -> None:
    """Albania's gallery item carries the hash of a picture already in the demo lists: its page
    shows "Known: classified as … in list …" and the offer to apply it."""
    item = (
        Item.objects.unscoped("demo seeding")
        .filter(url_hash=url_hash("https://images.example.com/gallery/4821"))
        .first()
    )
    if item is not None and item.is_open:
        add_item_hashes(item, by=None, values=[("sha256", demo_value("al-crca confirmed", 1))], source="demo")
