"""Anchoring outside the database: what someone who can rewrite the whole database (entries, heads,
hashes recomputed) still cannot hide, because the heads are signed and the checkpoints are in a
file, both with a key the database does not hold."""

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import override_settings

from audit.anchor import CHECKPOINT_FILE, read_checkpoints, sign_head
from audit.models import AuditEntry, ChainHead
from audit.tests.tampering import TABLE, build_chain, head_row, rewrite_from, rewrite_head, tampering, truncate_log
from audit.verify import verify_chains
from core.testing import SicnetTestCase


class AnchorTestCase(SicnetTestCase):
    def setUp(self):
        self.checkpoints = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.enterContext(override_settings(AUDIT_CHECKPOINT_DIR=self.checkpoints))
        self.al = str(self.al_centre.pk)
        self.entries = build_chain(5, actor=self.al_analyst, centre_id=self.al_centre.pk)
        self.network = build_chain(2)

    def checkpoint(self) -> str:
        out = StringIO()
        call_command("audit_checkpoint", stdout=out, stderr=StringIO())
        return out.getvalue()

    def verify(self) -> str:
        out = StringIO()
        call_command("audit_verify", stdout=out)
        return out.getvalue()

    def assertReported(self, *words: str) -> str:
        with self.assertRaises(CommandError) as caught:
            self.verify()
        message = str(caught.exception)
        for word in words:
            self.assertIn(word, message)
        return message


class CheckpointTests(AnchorTestCase):
    def test_a_checkpoint_is_one_signed_line_per_run_and_verify_says_when(self):
        self.assertIn("No signed checkpoint", self.verify())
        self.assertIn("Checkpoint of 2 audit chains", self.checkpoint())
        build_chain(1, centre_id=self.mk_centre.pk)
        self.checkpoint()
        lines = (self.checkpoints / CHECKPOINT_FILE).read_text().splitlines()
        self.assertEqual(len(lines), 2)
        latest = json.loads(lines[1])
        self.assertEqual(latest["chains"][self.al], {"seq": self.entries[-1].seq, "hash": self.entries[-1].hash})
        self.assertEqual(len(latest["chains"]), 3)
        output = self.verify()
        self.assertIn("Last checkpoint: ", output)
        self.assertIn("0.0 hours ago), 3 chains, line 2", output)
        self.assertIn("8 entries verified in 3 chains", output)

    def test_chains_that_grew_since_the_checkpoint_verify(self):
        self.checkpoint()
        build_chain(3, centre_id=self.al_centre.pk)
        self.assertIn("10 entries verified", self.verify())

    def test_a_changed_checkpoint_line_is_reported(self):
        self.checkpoint()
        path = self.checkpoints / CHECKPOINT_FILE
        line = json.loads(path.read_text())
        line["chains"][self.al]["seq"] = 1
        path.write_text(json.dumps(line) + "\n")
        self.assertEqual(read_checkpoints().unsigned, [1])
        self.assertReported("line 1 of the checkpoint file", "signature does not verify")

    def test_a_checkpoint_signed_with_another_key_is_reported(self):
        with override_settings(AUDIT_ANCHOR_KEY="another-key-of-at-least-thirty-two-characters"):
            ChainHead.objects.all().delete()  # heads signed by that key, as its own database would have
            build_chain(1)
            self.checkpoint()
        self.assertReported("signature does not verify")

    def test_no_checkpoint_anchors_a_forged_head(self):
        self.checkpoint()
        rewrite_from(self.entries[2].seq, action="test.innocent")
        with self.assertRaises(CommandError) as caught:
            self.checkpoint()
        self.assertIn(f"the head of chain {self.al} is not signed", str(caught.exception))
        self.assertEqual(len((self.checkpoints / CHECKPOINT_FILE).read_text().splitlines()), 1)


class TamperingDetectedTests(AnchorTestCase):
    """The three rewrites of issue 13, each by an attacker who can do anything in the database."""

    def test_deleting_the_newest_entries_and_putting_back_an_earlier_signed_head(self):
        # The attacker saw the head when #3 was the newest entry (its signature is genuine) ...
        before = head_row(self.al)
        build_chain(2, centre_id=self.al_centre.pk)
        self.checkpoint()
        newest = list(AuditEntry.objects.filter(centre_id=self.al_centre.pk).order_by("-seq")[:2])
        # ... deletes the two newest entries and rewrites the head to match.
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq IN (%s, %s)", [e.seq for e in newest])
        rewrite_head(self.al, *before)
        self.assertTrue(verify_chains().chains[self.al].problem is None)  # the database alone agrees ...
        self.assertReported(  # ... the checkpoint does not
            f"Audit chain {self.al} broken at entry #{newest[0].seq}", "shorter than its checkpoint"
        )

    def test_deleting_the_newest_entries_and_rewriting_the_head_without_the_key(self):
        self.checkpoint()
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [self.entries[-1].seq])
        previous = self.entries[-2]
        rewrite_head(self.al, previous.seq, previous.hash, "f" * 64)
        self.assertReported(
            f"broken at entry #{previous.seq}: the chain's head is not signed with the anchor key",
            f"broken at entry #{self.entries[-1].seq}: the chain is shorter than its checkpoint",
        )

    def test_truncating_the_log_and_its_heads(self):
        self.checkpoint()
        truncate_log()
        self.assertFalse(AuditEntry.objects.exists() or ChainHead.objects.exists())
        message = self.assertReported(
            f"Audit chain {self.al} broken at entry #{self.entries[-1].seq}: the chain is shorter than its checkpoint",
            f"Audit chain network broken at entry #{self.network[-1].seq}",
            "now ends at nothing",
        )
        self.assertIn("Last checkpoint", self.verify_output_on_failure())
        self.assertNotIn("intact", message)

    def test_changing_an_old_entry_and_recomputing_every_later_hash_and_the_head(self):
        self.checkpoint()
        rewrite_from(self.entries[1].seq, action="test.innocent")
        verification = verify_chains()
        # The chain is consistent with itself: only the anchor gives it away.
        self.assertEqual(verification.chains[self.al].checked, 5)
        self.assertReported(
            f"broken at entry #{self.entries[-1].seq}: the chain's head is not signed",
            "differs from its checkpoint",
        )

    def test_even_with_the_key_a_rewrite_older_than_the_checkpoint_shows(self):
        # A forger who also stole the anchor key signs the rewritten head: the checkpoint, in a file
        # the database cannot write, still holds the original last hash.
        self.checkpoint()
        build_chain(1, centre_id=self.al_centre.pk)
        rewrite_from(self.entries[1].seq, action="test.innocent", head_signature=sign_head)
        message = self.assertReported(f"broken at entry #{self.entries[-1].seq}: the chain differs from its checkpoint")
        self.assertNotIn("not signed", message)

    def test_untouched_chains_still_verify_beside_a_tampered_one(self):
        self.checkpoint()
        rewrite_from(self.entries[1].seq, action="test.innocent")
        verification = verify_chains()
        self.assertEqual(verification.chains["network"].problems, [])

    def verify_output_on_failure(self) -> str:
        out = StringIO()
        try:
            call_command("audit_verify", stdout=out)
        except CommandError:
            pass
        return out.getvalue()
