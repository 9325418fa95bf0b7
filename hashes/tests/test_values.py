"""Reading hash values: lower-case hex of the right length per algorithm."""

from django.test import SimpleTestCase

from hashes.values import BadHash, check_quality, normalise, parse


class ValueTests(SimpleTestCase):
    def test_parse_by_length_and_prefix(self):
        self.assertEqual(parse(" " + "AB" * 16 + " "), ("md5", "ab" * 16))
        self.assertEqual(parse("a" * 40), ("sha1", "a" * 40))
        self.assertEqual(parse("b" * 64), ("sha256", "b" * 64))
        self.assertEqual(parse("PDQ:" + "C" * 64), ("pdq", "c" * 64))
        self.assertEqual(parse("sha-1:" + "1" * 40), ("sha1", "1" * 40))

    def test_bad_values_are_refused(self):
        for text in ("", "xyz", "a" * 33, "md5:" + "a" * 40, "pdq:" + "g" * 64, "crc:" + "a" * 8):
            with self.subTest(text=text), self.assertRaises(BadHash):
                parse(text)
        with self.assertRaises(BadHash):
            normalise("sha256", "a" * 63)

    def test_quality(self):
        self.assertIsNone(check_quality(""))
        self.assertEqual(check_quality("50"), 50)
        for bad in ("-1", "101", "x"):
            with self.subTest(bad=bad), self.assertRaises(BadHash):
                check_quality(bad)
