"""Reading hash values: normalised to lower-case hex, checked against each algorithm's length."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from hashes.models import HEX_LENGTH, Algorithm

MAX_AT_ONCE = 1000  # hashes pasted, looked up or added to an item in one go
_HEX = re.compile(r"[0-9a-f]+")
_BY_LENGTH = {32: Algorithm.MD5, 40: Algorithm.SHA1, 64: Algorithm.SHA256}
_ALIASES = {"md5": "md5", "sha1": "sha1", "sha-1": "sha1", "sha256": "sha256", "sha-256": "sha256", "pdq": "pdq"}


# Why a value is refused, by code: an import job stores codes and parameters, and its page says
# them in the reader's language.
REASONS = {
    "unknown_algorithm": _("Unknown algorithm: %(name)s."),
    "not_hex": _("Not a hexadecimal value."),
    "wrong_length": _("A %(algorithm)s value has %(length)d hexadecimal digits."),
    "not_a_hash": _("Not a hash: give 32, 40 or 64 hexadecimal digits, or pdq:<64 digits>."),
    "quality_not_number": _("The PDQ quality is not a whole number."),
    "quality_range": _("The PDQ quality is between 0 and 100."),
    "prefix_disagrees": _("The algorithm and the prefix of the value disagree."),
    "unknown_classification": _("Unknown classification: %(name)s."),
    "not_json": _("Not JSON."),
    "not_json_object": _("Not a JSON object."),
    "too_many": _("At most %(n)d hashes at a time."),
}


def describe(code: str, params: dict | None = None) -> str:
    """A reason in the current language. A text that is not a code (stored before codes were) as it is."""
    message = REASONS.get(code)
    if message is None:
        return str(code)
    params = dict(params or {})
    if "algorithm" in params:
        params["algorithm"] = Algorithm(params["algorithm"]).label
    return str(message) % params if params else str(message)


class BadHash(ValueError):
    """A value that is not a hash of the algorithm it claims: a reason code (REASONS) and its values.

    ``str()`` gives the reason in the current language.
    """

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code, self.params = code, params

    def __str__(self) -> str:
        return describe(self.code, self.params)


def algorithm_of(name: str) -> str:
    """The algorithm for a name as people write it (``SHA-256``, ``sha256``...)."""
    algorithm = _ALIASES.get((name or "").strip().lower())
    if algorithm is None:
        raise BadHash("unknown_algorithm", name=(name or "")[:20])
    return algorithm


def normalise(algorithm: str, value: str) -> str:
    """Lower-case hex of the right length for the algorithm, or BadHash."""
    text = (value or "").strip().lower()
    if not _HEX.fullmatch(text):
        raise BadHash("not_hex")
    if len(text) != HEX_LENGTH[algorithm]:
        raise BadHash("wrong_length", algorithm=algorithm, length=HEX_LENGTH[algorithm])
    return text


def parse(text: str) -> tuple[str, str]:
    """One pasted hash: ``algorithm:value`` or a bare value (32, 40 or 64 digits: MD5, SHA-1, SHA-256).

    A bare 64-digit value is read as SHA-256; PDQ hashes are written ``pdq:<64 hex digits>``.
    """
    text = (text or "").strip()
    name, sep, value = text.rpartition(":")
    if sep:
        algorithm = algorithm_of(name)
        return algorithm, normalise(algorithm, value)
    algorithm = _BY_LENGTH.get(len(text))
    if algorithm is None:
        raise BadHash("not_a_hash")
    return algorithm, normalise(algorithm, text)


def parse_many(texts: list[str]) -> tuple[list[tuple[str, str]], list[tuple[int, BadHash]]]:
    """Pasted hashes: (algorithm, value) of the valid ones, and (position from 0, problem) of the others.

    More than MAX_AT_ONCE is refused as a whole (BadHash "too_many"), before any is read.
    """
    if len(texts) > MAX_AT_ONCE:
        raise BadHash("too_many", n=MAX_AT_ONCE)
    parsed, refused = [], []
    for position, text in enumerate(texts):
        try:
            parsed.append(parse(text))
        except BadHash as problem:
            refused.append((position, problem))
    return parsed, refused


def check_quality(value) -> int | None:
    """A PDQ quality 0–100, or None when not given."""
    if value is None or value == "":
        return None
    try:
        quality = int(value)
    except (TypeError, ValueError):
        raise BadHash("quality_not_number") from None
    if not 0 <= quality <= 100:
        raise BadHash("quality_range")
    return quality
