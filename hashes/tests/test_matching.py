"""Matching: exact lookups, PDQ at distances 0, 31 and 32, quality, disabled entries, visibility."""

import random
from unittest import mock

from core.testing import SicnetTestCase
from hashes import matching
from hashes.matching import known_for_items, matches_for
from hashes.models import ListKind
from hashes.tests.helpers import flip_bits, make_entry, make_list, sha256_of

PDQ = "f" * 16 + "0" * 16 + "a5" * 16


class MatchingTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.al_own = make_list(cls.al_centre, "AL own")
        cls.al_network = make_list(cls.al_centre, "Network", kind=ListKind.NETWORK)
        cls.mk_own = make_list(cls.mk_centre, "MK own")
        cls.sha = sha256_of("known")
        cls.exact = make_entry(cls.al_own, "sha256", cls.sha, "national")
        cls.md5 = make_entry(cls.al_network, "md5", "0" * 31 + "1")
        cls.pdq = make_entry(cls.al_network, "pdq", PDQ, quality=90)
        cls.mk_entry = make_entry(cls.mk_own, "sha256", cls.sha)

    def test_exact_match_returns_entry_list_and_distance_zero(self):
        found = matches_for([("sha256", self.sha)], user=self.al_analyst)
        self.assertEqual([(m.entry, m.hash_list, m.distance) for m in found], [(self.exact, self.al_own, 0)])

    def test_pdq_at_distance_0_and_31_match_32_does_not(self):
        for distance, expected in ((0, True), (31, True), (32, False)):
            with self.subTest(distance=distance):
                query = flip_bits(PDQ, distance)
                found = matches_for([("pdq", query)], user=self.al_analyst)
                if expected:
                    self.assertEqual([(m.entry, m.distance) for m in found], [(self.pdq, distance)])
                else:
                    self.assertEqual(found, [])

    def test_the_match_distance_is_configured(self):
        from django.test import override_settings

        with override_settings(HASHES_PDQ_MAX_DISTANCE=10):
            self.assertEqual(len(matches_for([("pdq", flip_bits(PDQ, 10))], user=self.al_analyst)), 1)
            self.assertEqual(matches_for([("pdq", flip_bits(PDQ, 11))], user=self.al_analyst), [])

    def test_pdq_distance_with_bits_spread_over_the_whole_hash(self):
        rng = random.Random(6)
        for distance in (0, 1, 30, 31, 32, 33, 128):
            positions = rng.sample(range(256), distance)
            query = f"{int(PDQ, 16) ^ sum(1 << p for p in positions):064x}"
            with self.subTest(distance=distance):
                found = matches_for([("pdq", query)], user=self.al_analyst)
                self.assertEqual([m.distance for m in found], [distance] if distance <= 31 else [])

    def test_pure_python_distances_give_the_same_answers(self):
        query = flip_bits(PDQ, 31)
        with_numpy = [(m.entry, m.distance) for m in matches_for([("pdq", query)], user=self.al_analyst)]
        with mock.patch.object(matching, "numpy", None):
            without = [(m.entry, m.distance) for m in matches_for([("pdq", query)], user=self.al_analyst)]
        self.assertEqual(with_numpy, without)
        self.assertEqual(without, [(self.pdq, 31)])

    def test_many_entries_in_several_chunks(self):
        for number in range(25):
            make_entry(self.al_own, "pdq", f"{number:064x}", quality=60)
        with mock.patch.object(matching, "CHUNK", 7):
            found = matches_for([("pdq", "0" * 64)], user=self.al_analyst)
        # 0…24 have at most 5 bits set; PDQ itself (f…f0…0a5…) is farther than 31 from zero.
        self.assertEqual(len(found), 25)
        self.assertEqual(found[0].distance, 0)

    def test_low_quality_and_disabled_entries_are_not_matched(self):
        self.pdq.quality = 49
        self.pdq.save(update_fields=["quality"])
        self.assertEqual(matches_for([("pdq", PDQ)], user=self.al_analyst), [])
        self.exact.is_active = False
        self.exact.save(update_fields=["is_active"])
        self.assertEqual(matches_for([("sha256", self.sha)], user=self.al_analyst), [])

    def test_another_centres_own_list_is_never_searched(self):
        found = matches_for([("sha256", self.sha), ("md5", "0" * 31 + "1")], user=self.mk_analyst)
        # North Macedonia sees its own entry and Albania's network list, not Albania's own list.
        self.assertEqual({m.entry for m in found}, {self.mk_entry, self.md5})
        self.assertEqual(matches_for([("sha256", self.sha)], user=self.coordinator), [])
        self.assertEqual(matches_for([("sha256", self.sha)], user=self.outsider), [])

    def test_known_for_items_groups_matches_per_key(self):
        result = known_for_items(
            {"item-1": [("sha256", self.sha)], "item-2": [("md5", "f" * 32)], "item-3": [("pdq", PDQ)]},
            user=self.al_analyst,
        )
        self.assertEqual(set(result), {"item-1", "item-3"})
        self.assertEqual([m.entry for m in result["item-1"]], [self.exact])
