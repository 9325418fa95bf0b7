"""Anchoring the chains outside the database: signed heads and an append-only file of checkpoints.

The hash chain proves that entries were not changed *unless* the whole chain after them is
recomputed, and whoever can write the database can do that (and rewrite the head row too). Two
things they cannot do without ``AUDIT_ANCHOR_KEY``, which only the application's environment holds:

- sign a head: every write stores, with the chain's newest hash, an HMAC of it (``sign_head``);
- rewrite a checkpoint: ``manage.py audit_checkpoint`` appends the newest link of every chain,
  signed, to a file in ``AUDIT_CHECKPOINT_DIR`` (another volume, which the database's host cannot
  write), and ``audit_verify`` requires every chain to still contain its checkpointed link.

What remains possible is deleting entries written since the last checkpoint and putting back a
head row seen earlier (its signature was genuine): checkpoint often enough for that window.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

CHECKPOINT_FILE = "checkpoints.jsonl"


def _key() -> bytes:
    return settings.AUDIT_ANCHOR_KEY.encode()


def sign_head(chain: str, last_hash: str) -> str:
    """The signature of a chain's newest link (its last hash names the whole chain)."""
    return hmac.new(_key(), f"head\n{chain}\n{last_hash}".encode(), hashlib.sha256).hexdigest()


def head_signed(chain: str, last_hash: str, signature: str) -> bool:
    return hmac.compare_digest(sign_head(chain, last_hash), signature or "")


@dataclass(frozen=True)
class Link:
    seq: int
    hash: str


@dataclass
class Checkpoint:
    """The newest link of every chain at one moment, as written to the file."""

    at: datetime
    chains: dict[str, Link]
    line: int = 0
    signature_ok: bool = True

    def body(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "chains": {chain: {"seq": link.seq, "hash": link.hash} for chain, link in sorted(self.chains.items())},
        }

    def signature(self) -> str:
        text = json.dumps(self.body(), sort_keys=True, separators=(",", ":"))
        return hmac.new(_key(), f"checkpoint\n{text}".encode(), hashlib.sha256).hexdigest()


@dataclass
class CheckpointFile:
    """What the file holds: the latest checkpoint whose signature verifies, and the lines that do not."""

    path: Path
    latest: Checkpoint | None = None
    unsigned: list[int] = field(default_factory=list)  # line numbers whose signature does not verify


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / CHECKPOINT_FILE


def append_checkpoint(checkpoint: Checkpoint) -> Path:
    """Append one signed line and wait for the disk: the file is only ever appended to."""
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**checkpoint.body(), "signature": checkpoint.signature()}, sort_keys=True) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return path


def read_checkpoints() -> CheckpointFile:
    """Every line's signature is checked; the latest that verifies is the one chains are held to."""
    result = CheckpointFile(checkpoint_path())
    if not result.path.exists():
        return result
    with result.path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            checkpoint = _parse(text, number)
            if checkpoint is None or not checkpoint.signature_ok:
                result.unsigned.append(number)
            else:
                result.latest = checkpoint
    return result


def _parse(text: str, number: int) -> Checkpoint | None:
    try:
        data = json.loads(text)
        checkpoint = Checkpoint(
            at=datetime.fromisoformat(data["at"]),
            chains={chain: Link(int(link["seq"]), str(link["hash"])) for chain, link in data["chains"].items()},
            line=number,
        )
        claimed = str(data["signature"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    checkpoint.signature_ok = hmac.compare_digest(checkpoint.signature(), claimed)
    return checkpoint


def new_checkpoint(chains: dict[str, Link]) -> Checkpoint:
    return Checkpoint(at=timezone.now(), chains=chains)
