"""The demo hash lists: created once, a second run adds nothing."""

from django.test import TestCase

from hashes import demo
from hashes.models import HashEntry, HashList
from network.demo import build_demo_network


class DemoTests(TestCase):
    def test_seed_is_idempotent(self):
        build_demo_network()
        demo.seed()
        counts = (HashList.objects.count(), HashEntry.objects.count())
        self.assertEqual(counts, (3, 32))
        demo.seed()
        self.assertEqual((HashList.objects.count(), HashEntry.objects.count()), counts)
