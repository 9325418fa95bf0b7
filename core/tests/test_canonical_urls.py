"""The canonical form of reported URLs: examples of every rule, and properties (hypothesis)."""

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from core.canonical_urls import MAX_URL_LENGTH, InvalidURL, canonicalize, defang

EXAMPLES = [
    ("HTTP://Example.COM/", "http://example.com/"),
    ("https://example.com", "https://example.com/"),
    ("example.com/a", "http://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("http://example.com/a/./b/../c", "http://example.com/a/c"),
    ("http://example.com/a/b/..", "http://example.com/a/"),
    ("http://example.com/../../a", "http://example.com/a"),
    ("http://example.com/%7euser/%2e%2e/x", "http://example.com/x"),
    ("http://example.com/a%2fb", "http://example.com/a%2Fb"),
    ("http://example.com/ü", "http://example.com/%C3%BC"),
    ("http://example.com/a#top", "http://example.com/a"),
    ("http://example.com/?b=2&a=1", "http://example.com/?a=1&b=2"),
    ("http://example.com/?utm_source=x&id=5&fbclid=abc&UTM_Medium=y", "http://example.com/?id=5"),
    ("http://example.com/?utm_source=x", "http://example.com/"),
    ("http://bücher.example.org/", "http://xn--bcher-kva.example.org/"),
    ("http://user:secret@example.com/", "http://example.com/"),
    ("http://Example.com./", "http://example.com/"),
    ("http://93.184.216.34:80/", "http://93.184.216.34/"),
    ("http://[2606:2800:0220:0001::0]/", "http://[2606:2800:220:1::]/"),
    ("http://evil.com\\@good.org/", "http://evil.com/@good.org/"),
    ("http://example.com/a{b}|c", "http://example.com/a%7Bb%7D%7Cc"),
]

REFUSED = [
    "",
    "ftp://example.com/file",
    "javascript:alert(1)",
    "http://localhost/",
    "http://127.0.0.1/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://10.1.2.3/",
    "http://192.168.0.1/",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/",
    "http://[fd00::1]/",
    "http://intranet/",
    "http://printer.local/",
    "http://exa mple.com/",
    "http://example.com/\x00",
    "http://example.com:99999/",
    "http://[not-ipv6/",
    "http://" + "a" * 64 + ".com/",
    "http://example.com/" + "a" * MAX_URL_LENGTH,
]


class CanonicalExamplesTests(SimpleTestCase):
    def test_examples(self):
        for raw, expected in EXAMPLES:
            with self.subTest(raw=raw):
                self.assertEqual(canonicalize(raw), expected)

    def test_refused_with_a_translated_reason(self):
        for raw in REFUSED:
            with self.subTest(raw=raw), self.assertRaises(InvalidURL) as caught:
                canonicalize(raw)
            self.assertTrue(str(caught.exception.message))

    def test_defang_makes_inert_text(self):
        self.assertEqual(defang("https://evil.example.com/a.jpg"), "hxxps://evil[.]example[.]com/a.jpg")
        self.assertEqual(defang("http://example.com/"), "hxxp://example[.]com/")


label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
host = st.builds(
    lambda parts, tld: ".".join([*parts, tld]),
    st.lists(label, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "al", "mk"]),
)
segment = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), max_size=8).map(
    lambda s: s.replace("/", "").replace("?", "").replace("#", "").replace("\\", "")
)
path = st.lists(st.one_of(segment, st.sampled_from([".", "..", "%2e", "%41", "%7e"])), max_size=5).map(
    lambda p: "/" + "/".join(p)
)
param = st.tuples(
    st.sampled_from(["a", "b", "id", "q", "utm_source", "fbclid", "Page"]), st.text(alphabet="xyz019%", max_size=4)
)
query = st.lists(param, max_size=5)


def build(scheme, hostname, port, path_, params, fragment):
    netloc = hostname + (f":{port}" if port else "")
    text = f"{scheme}://{netloc}{path_}"
    if params:
        text += "?" + "&".join(f"{k}={v}" for k, v in params)
    if fragment:
        text += "#" + fragment
    return text


urls = st.builds(
    build,
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    host,
    st.sampled_from([None, 80, 443, 8080]),
    path,
    query,
    st.one_of(st.none(), label),
)


class CanonicalPropertyTests(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(urls)
    def test_idempotent(self, url):
        once = canonicalize(url)
        self.assertEqual(canonicalize(once), once)
        self.assertLessEqual(len(once), MAX_URL_LENGTH)

    @settings(max_examples=200, deadline=None)
    @given(urls)
    def test_no_fragment_no_tracking_sorted_query(self, url):
        result = canonicalize(url)
        self.assertNotIn("#", result)
        _base, _sep, q = result.partition("?")
        pairs = q.split("&") if q else []
        self.assertEqual(pairs, sorted(pairs))
        self.assertFalse(any(p.lower().startswith(("utm_", "fbclid")) for p in pairs))

    @settings(max_examples=200, deadline=None)
    @given(host, path, query, st.randoms())
    def test_same_resource_same_form(self, hostname, path_, params, rnd):
        """Case of scheme and host, default port, query order, fragment and tracking do not matter."""
        shuffled = list(params)
        rnd.shuffle(shuffled)
        plain = build("http", hostname, None, path_, params, None)
        noisy = build("HTTP", hostname.upper(), 80, path_, [*shuffled, ("utm_campaign", "x")], "frag")
        self.assertEqual(canonicalize(plain), canonicalize(noisy))

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=60))
    def test_any_text_is_canonical_or_refused(self, text):
        try:
            result = canonicalize(text)
        except InvalidURL:
            return
        self.assertTrue(result.startswith(("http://", "https://")))
        self.assertEqual(canonicalize(result), result)
