"""One URL, one assessment: the canonical form of a reported URL (rules in docs/hotline.md).

Pure string work: nothing here resolves a name or connects anywhere. In core because every
channel that takes a reported URL (the hotline's form, API and import; a helpline escalation)
refuses the same addresses with the same words, before anything is stored or sent.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import quote, unquote, urlsplit

from django.utils.translation import gettext_lazy as _

MAX_URL_LENGTH = 2048

# Why a web address is refused: the words a reporter (often a child) reads.
URL_MISSING = _("Enter a web address.")
URL_TOO_LONG = _("This web address is too long.")
URL_BAD_CHARACTERS = _("This web address contains spaces or characters that are not allowed.")
URL_UNREADABLE = _("This web address could not be read.")
URL_NOT_WEB = _("Only web addresses starting with http:// or https:// can be reported.")
URL_NO_HOST = _("This web address has no site name.")
URL_BAD_HOST = _("The site name in this web address is not valid.")
URL_PRIVATE = _("This web address points to a private or local network, not the internet.")

UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
SUB_DELIMS = frozenset("!$&'()*+,;=")
PATH_SAFE = UNRESERVED | SUB_DELIMS | frozenset(":@/")
# "&" separates query pairs and is split on first; "=" stays literal inside a pair.
QUERY_SAFE = (UNRESERVED | SUB_DELIMS | frozenset(":@/?")) - {"&"}
DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that say who shared a link, not what it points at.
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "_gl"}
)
TRACKING_PREFIXES = ("utm_",)

_HOST_CHARS = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$")
_FORBIDDEN_CHAR = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".invalid", ".test", ".example")


class InvalidURL(ValueError):
    """A reported URL that is refused; ``message`` is translated, for the reporter."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def canonicalize(raw: str) -> str:
    """The canonical form of a reported http(s) URL, or InvalidURL saying why it is refused."""
    text = (raw or "").strip()
    if not text:
        raise InvalidURL(URL_MISSING)
    if len(text) > MAX_URL_LENGTH:
        raise InvalidURL(URL_TOO_LONG)
    if _FORBIDDEN_CHAR.search(text):
        raise InvalidURL(URL_BAD_CHARACTERS)
    # Browsers read a backslash as a slash in web addresses: so must we, or "evil.test\@good.test"
    # would be filed under the wrong site.
    text = text.replace("\\", "/")
    if "://" not in text:
        # People paste "www.example.com/page" from an app's share menu.
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise InvalidURL(URL_UNREADABLE)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL(URL_NOT_WEB)
    host = _canonical_host(parts.hostname or "")
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = remove_dot_segments(normalise_percent(parts.path, PATH_SAFE)) or "/"
    query = canonical_query(parts.query)
    url = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(URL_TOO_LONG)
    return url


def _canonical_host(host: str) -> str:
    host = host.rstrip(".").lower()
    if not host:
        raise InvalidURL(URL_NO_HOST)
    if ":" in host:  # an IPv6 literal (urlsplit removed the brackets)
        return "[" + _public_ip(host).compressed + "]"
    if _NUMERIC_HOST.match(host):
        # 2130706433, 0x7f.1 and 127.1 all mean 127.0.0.1 to a browser: read them the same way.
        try:
            dotted = socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            raise InvalidURL(URL_UNREADABLE)
        return _public_ip(dotted).compressed
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidURL(URL_BAD_HOST)
    if not _HOST_CHARS.match(ascii_host) or len(ascii_host) > 253:
        raise InvalidURL(URL_BAD_HOST)
    if "." not in ascii_host or ascii_host == "localhost" or ascii_host.endswith(_PRIVATE_SUFFIXES):
        raise InvalidURL(URL_PRIVATE)
    return ascii_host


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is on the internet: not private, local, reserved or multicast. An
    IPv4-mapped IPv6 address is judged as the IPv4 address it carries. (Reported URLs and webhook
    destinations both use this one rule.)"""
    target = getattr(address, "ipv4_mapped", None) or address
    return target.is_global and not target.is_multicast


def _public_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        raise InvalidURL(URL_UNREADABLE)
    if not is_public_address(address):
        raise InvalidURL(URL_PRIVATE)
    return address


def normalise_percent(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the others, escape what must be."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        escape = text[i + 1 : i + 3]
        if char == "%" and len(escape) == 2 and all(c in "0123456789abcdefABCDEF" for c in escape):
            decoded = chr(int(escape, 16))
            out.append(decoded if decoded in UNRESERVED else "%" + escape.upper())
            i += 3
            continue
        out.append(char if char in safe else quote(char, safe=""))
        i += 1
    return "".join(out)


def remove_dot_segments(path: str) -> str:
    """RFC 3986, section 5.2.4, on an already normalised absolute path."""
    if not path:
        return ""
    segments = path.split("/")
    kept: list[str] = []
    for segment in segments[1:]:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in (".", ".."):
        kept.append("")  # "/a/b/.." names the folder "/a/", not the file "/a"
    return "/" + "/".join(kept)


def canonical_query(query: str) -> str:
    pairs = [normalise_percent(pair, QUERY_SAFE) for pair in query.split("&") if pair]
    kept = [pair for pair in pairs if not _is_tracking(pair)]
    return "&".join(sorted(kept))


def _is_tracking(pair: str) -> bool:
    name = unquote(pair.partition("=")[0]).lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def defang(url: str) -> str:
    """Inert text for a reported URL: hxxps://example[.]com/… can be read, never followed."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.replace(".", "[.]")
    host, slash, tail = rest.partition("/")
    return f"{scheme.replace('t', 'x', 2)}://{host.replace('.', '[.]')}{slash}{tail}"
