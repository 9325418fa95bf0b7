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

    def test_the_demo_gallery_item_is_known_in_albanias_confirmed_list(self):
        from hashes.matching import known_for_items
        from hotline import demo as hotline_demo
        from hotline.models import Item

        build_demo_network()
        demo.seed()
        hotline_demo.seed()
        item = Item.objects.get(url="https://images.example.com/gallery/4821")
        known = known_for_items({item.pk: [(h.algorithm, h.value) for h in item.hashes.all()]})
        self.assertEqual([m.hash_list.name for m in known[item.pk]], ["al-crca confirmed"])
        self.assertTrue(HashList.objects.get(name="al-crca confirmed").shares_with_network)
        hotline_demo.seed()
        self.assertEqual(item.hashes.count(), 1)
