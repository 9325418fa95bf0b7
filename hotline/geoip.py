"""An optional offline GeoIP database proposes the hosting country from an IP address.

Set HOTLINE_GEOIP_DATABASE to a MaxMind-format country file and install ``geoip2`` (PyPI). Without
either, the analyst types the country. Nothing here goes on the network.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def _reader(path: str):
    try:
        import geoip2.database  # optional dependency
    except ImportError:
        return None
    try:
        return geoip2.database.Reader(path)
    except (OSError, ValueError, RuntimeError):
        # RuntimeError: maxminddb's InvalidDatabaseError, a file that is not a country database.
        return None


def country_for(ip_address: str | None) -> str:
    """The ISO code the offline database gives for this address, or "" when it cannot say."""
    path = getattr(settings, "HOTLINE_GEOIP_DATABASE", "")
    if not ip_address or not path:
        return ""
    reader = _reader(str(path))
    if reader is None:
        return ""
    try:
        return (reader.country(ip_address).country.iso_code or "").upper()
    except Exception:  # noqa: BLE001 - an address missing from the file is simply "unknown"
        return ""
