"""Reading and writing hash lists: CSV, plain text and JSON lines, streamed.

- CSV: a header with ``algorithm`` and ``value`` (``hash`` is accepted too), optional
  ``classification`` and ``quality``.
- Plain text: one value per line, ``algorithm:value`` or a bare value (MD5, SHA-1, SHA-256 by
  length; ``--algorithm`` says which for the whole file, PDQ included). ``#`` starts a comment.
- JSON lines: one object per line with the same keys as the CSV.

Each line is validated (hex length per algorithm, PDQ quality 0–100) and de-duplicated within the
file; rejected lines are counted by reason and the first ones kept for the report.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from hashes import values as hash_values
from hashes.models import Classification, HashEntry

FORMATS = ("csv", "txt", "jsonl")
KEEP_REJECTED = 20


def format_of(path: str) -> str:
    suffix = path.rsplit(".", 1)[-1].lower()
    return {"csv": "csv", "txt": "txt", "text": "txt", "jsonl": "jsonl", "ndjson": "jsonl"}.get(suffix, "txt")


@dataclass
class Summary:
    """What a read of a file found: rows, valid rows, duplicates and rejections."""

    rows: int = 0
    valid: int = 0
    duplicates: int = 0
    # Reasons as (code, parameters) of hash_values.REASONS: said in the reader's language when shown.
    reasons: Counter = field(default_factory=Counter)
    rejected: list[tuple[int, str, dict]] = field(default_factory=list)

    def reject(self, line: int, problem: hash_values.BadHash) -> None:
        self.reasons[(problem.code, tuple(sorted(problem.params.items())))] += 1
        if len(self.rejected) < KEEP_REJECTED:
            self.rejected.append((line, problem.code, problem.params))

    def reason_counts(self) -> list[tuple[str, dict, int]]:
        """(code, parameters, rejected lines), the most frequent first."""
        return [(code, dict(params), count) for (code, params), count in self.reasons.most_common()]


def _raw_rows(handle: io.TextIOBase, fmt: str) -> Iterator[tuple[int, dict | hash_values.BadHash]]:
    if fmt == "csv":
        reader = csv.DictReader(handle)
        for number, row in enumerate(reader, start=2):
            yield number, row
    elif fmt == "jsonl":
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    data = json.loads(line)
                except ValueError:
                    yield number, hash_values.BadHash("not_json")
                    continue
                yield number, data if isinstance(data, dict) else hash_values.BadHash("not_json_object")
    else:
        for number, line in enumerate(handle, start=1):
            line = line.split("#", 1)[0].strip()
            if line:
                yield number, {"value": line}


def clean(row: dict, *, algorithm: str | None, classification: str) -> dict:
    """One row → algorithm, normalised value, classification, quality; ValueError with the reason."""
    value = str(row.get("value") or row.get("hash") or "").strip()
    given = str(row.get("algorithm") or "").strip() or algorithm
    if given:
        name = hash_values.algorithm_of(given)
        if ":" in value:
            prefix, _sep, value = value.rpartition(":")
            if hash_values.algorithm_of(prefix) != name:
                raise hash_values.BadHash("prefix_disagrees")
        value = hash_values.normalise(name, value)
    else:
        name, value = hash_values.parse(value)
    chosen = str(row.get("classification") or "").strip().lower() or classification
    if chosen not in Classification.values:
        raise hash_values.BadHash("unknown_classification", name=chosen[:20])
    quality = hash_values.check_quality(row.get("quality"))
    return {"algorithm": name, "value": value, "classification": chosen, "quality": quality}


def read(
    path: str,
    *,
    fmt: str | None = None,
    algorithm: str | None = None,
    classification: str = Classification.BASELINE,
    summary: Summary,
    progress: Callable[[float], None] = lambda share: None,
) -> Iterator[dict]:
    """Stream the valid, de-duplicated rows of the file, filling ``summary`` as it goes."""
    with open(path, "rb") as raw:
        size = raw.seek(0, io.SEEK_END)
        raw.seek(0)
        yield from read_stream(
            raw,
            size=size,
            fmt=fmt or format_of(path),
            algorithm=algorithm,
            classification=classification,
            summary=summary,
            progress=progress,
        )


def read_stream(
    raw: io.BufferedIOBase,
    *,
    size: int,
    fmt: str,
    algorithm: str | None = None,
    classification: str = Classification.BASELINE,
    summary: Summary,
    progress: Callable[[float], None] = lambda share: None,
) -> Iterator[dict]:
    """The same from an open binary stream of ``size`` bytes (an upload, a compressed copy)."""
    size = max(size, 1)
    seen: set[tuple[str, str]] = set()
    handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="" if fmt == "csv" else None)
    for number, row in _raw_rows(handle, fmt):
        summary.rows += 1
        if number % 5000 == 0:
            progress(min(raw.tell() / size, 1.0))
        if isinstance(row, hash_values.BadHash):
            summary.reject(number, row)
            continue
        try:
            data = clean(row, algorithm=algorithm, classification=classification)
        except hash_values.BadHash as exc:
            summary.reject(number, exc)
            continue
        key = (data["algorithm"], data["value"])
        if key in seen:
            summary.duplicates += 1
            continue
        seen.add(key)
        summary.valid += 1
        yield data
    progress(1.0)


def export(entries: Iterable[HashEntry], fmt: str) -> Iterator[str]:
    """The entries in one of FORMATS, line by line (hashes and classifications only)."""
    if fmt == "csv":
        yield "algorithm,value,classification,quality\r\n"
        for entry in entries:
            quality = "" if entry.quality is None else str(entry.quality)
            yield f"{entry.algorithm},{entry.value},{entry.classification},{quality}\r\n"
    elif fmt == "jsonl":
        for entry in entries:
            data = {"algorithm": entry.algorithm, "value": entry.value, "classification": entry.classification}
            if entry.quality is not None:
                data["quality"] = entry.quality
            yield json.dumps(data) + "\n"
    else:
        for entry in entries:
            yield f"{entry.algorithm}:{entry.value}\n"
