"""An offline GeoIP country file proposes the hosting country; nothing goes on the network."""

import tempfile
from pathlib import Path

from django.test import override_settings
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from core.testing import SicnetTestCase
from hotline import actions, geoip
from hotline.tests.helpers import make_report


def write_country_file(path: Path) -> None:
    writer = MMDBWriter(ip_version=4, database_type="GeoLite2-Country")
    writer.insert_network(IPSet(["203.0.113.0/24"]), {"country": {"iso_code": "NL", "names": {"en": "Netherlands"}}})
    writer.to_db_file(str(path))


class GeoIPTests(SicnetTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dir = tempfile.TemporaryDirectory()
        cls.country_file = Path(cls._dir.name) / "countries.mmdb"
        write_country_file(cls.country_file)

    @classmethod
    def tearDownClass(cls):
        cls._dir.cleanup()
        super().tearDownClass()

    def setUp(self):
        geoip._reader.cache_clear()
        self.addCleanup(geoip._reader.cache_clear)
        report, _token = make_report()
        self.item = report.items.get()

    def trace(self, **values):
        with override_settings(HOTLINE_GEOIP_DATABASE=str(self.country_file)):
            return actions.trace_item(self.item, by=self.al_analyst, **values)

    def test_the_country_is_proposed_from_the_ip_address(self):
        item = self.trace(ip_address="203.0.113.9", hosting_provider="Example Hosting")
        self.assertEqual(item.hosting_country, "NL")
        self.assertTrue(item.events.filter(details__country_from_geoip=True).exists())

    def test_the_analyst_s_own_country_wins(self):
        item = self.trace(ip_address="203.0.113.9", hosting_country="de")
        self.assertEqual(item.hosting_country, "DE")

    def test_an_address_missing_from_the_file_proposes_nothing(self):
        item = self.trace(ip_address="198.51.100.7")
        self.assertEqual(item.hosting_country, "")

    def test_without_a_configured_file_the_analyst_types_the_country(self):
        with override_settings(HOTLINE_GEOIP_DATABASE=""):
            item = actions.trace_item(self.item, by=self.al_analyst, ip_address="203.0.113.9")
        self.assertEqual(item.hosting_country, "")

    def test_an_unreadable_file_proposes_nothing(self):
        broken = Path(self._dir.name) / "broken.mmdb"
        broken.write_bytes(b"not a database")
        with override_settings(HOTLINE_GEOIP_DATABASE=str(broken)):
            item = actions.trace_item(self.item, by=self.al_analyst, ip_address="203.0.113.9")
        self.assertEqual(item.hosting_country, "")
