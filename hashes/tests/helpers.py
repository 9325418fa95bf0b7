"""Lists and entries for the hash tests."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from hashes.models import HashEntry, HashList, ListKind, TrustLevel


def make_list(centre, name: str = "Own list", kind: str = ListKind.OWN, **extra) -> HashList:
    return HashList.objects.create(centre=centre, name=name, kind=kind, trust_level=TrustLevel.HIGH, **extra)


def make_entry(hash_list, algorithm: str, value: str, classification: str = "baseline", **extra) -> HashEntry:
    return HashEntry.objects.create(
        hash_list=hash_list,
        algorithm=algorithm,
        value=value,
        classification=classification,
        first_seen=timezone.now(),
        **extra,
    )


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def flip_bits(hex_value: str, count: int) -> str:
    """The PDQ value with its lowest ``count`` bits flipped: Hamming distance ``count``."""
    number = int(hex_value, 16) ^ ((1 << count) - 1)
    return f"{number:064x}"
