"""Reading hash values: lower-case hex of the right length per algorithm."""

from django.test import SimpleTestCase
from django.utils import translation

from hashes.values import MAX_AT_ONCE, BadHash, check_quality, normalise, parse, parse_many


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

    def test_many_at_once_with_the_refused_ones_by_position(self):
        parsed, refused = parse_many(["a" * 32, "nope", "b" * 40, "md5:" + "c" * 40])
        self.assertEqual(parsed, [("md5", "a" * 32), ("sha1", "b" * 40)])
        self.assertEqual(
            [(position, problem.code) for position, problem in refused], [(1, "not_a_hash"), (3, "wrong_length")]
        )
        with self.assertRaises(BadHash) as caught:
            parse_many(["a" * 32] * (MAX_AT_ONCE + 1))
        self.assertEqual(str(caught.exception), f"At most {MAX_AT_ONCE} hashes at a time.")

    def test_a_reason_is_said_in_the_current_language(self):
        problem = BadHash("wrong_length", algorithm="sha256", length=64)
        self.assertEqual(str(problem), "A SHA-256 value has 64 hexadecimal digits.")
        with translation.override("sq"):
            self.assertNotEqual(str(problem), "A SHA-256 value has 64 hexadecimal digits.")
            self.assertIn("64", str(problem))
