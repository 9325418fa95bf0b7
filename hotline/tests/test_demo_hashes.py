"""The demo's hotline items meet the demo's hash lists."""

from django.contrib.auth import get_user_model
from django.test import TestCase

from hashes import demo as hashes_demo
from hashes.matching import known_for_items
from hashes.models import HashList
from hotline import demo
from hotline.models import Item
from network.demo import build_demo_network


class DemoHashesTests(TestCase):
    def test_the_demo_gallery_item_is_known_in_albanias_confirmed_list(self):
        build_demo_network()
        hashes_demo.seed()
        demo.seed()
        item = Item.objects.get(url="https://images.example.com/gallery/4821")
        analyst = get_user_model().objects.get(email="analyst.al@demo.sicnet.example")
        known = known_for_items({item.pk: [(h.algorithm, h.value) for h in item.hashes.all()]}, user=analyst)
        self.assertEqual([m.hash_list.name for m in known[item.pk]], ["al-crca confirmed"])
        self.assertTrue(HashList.objects.get(name="al-crca confirmed").shares_with_network)
        demo.seed()
        self.assertEqual(item.hashes.count(), 1)
