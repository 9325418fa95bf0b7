"""The minimised packet: what a hotline item and a helpline case give, and the consent gate."""

from audit.models import AuditEntry
from core.testing import SicnetTestCase, raw_column
from helpline import actions as helpline_actions
from helpline.tests import fixtures as helpline_fixtures
from referrals import actions
from referrals.tests import fixtures


class PacketTests(SicnetTestCase):
    def test_hotline_packet_has_facts_not_notes(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.assertEqual(referral.packet["urls"], ["https://bad.example.com/a"])
        self.assertEqual(referral.packet["assessment"], "baseline")
        self.assertEqual(referral.packet["hosting_provider"], "Host Ltd")
        self.assertNotIn("analyst's private notes", str(referral.packet) + referral.packet_text)

    def test_narrative_is_encrypted_at_rest(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.assertNotIn("please", raw_column("referrals_referral", "packet_text", referral.pk))
        self.assertEqual(referral.narrative, {"note": "please"})

    def test_helpline_packet_without_consent_has_no_identifying_detail(self):
        contact = helpline_fixtures.al_contact(
            self, contact_details="+355 69 123 4567", municipality="Tirana", age_band="12-14", urgency="urgent"
        )
        case = helpline_actions.open_case(contact, by=self.al_counsellor)
        referral = actions.send_helpline_case(case, by=self.al_counsellor, receiver=self.mk_centre, summary="S")
        self.assertEqual(referral.packet["age_band"], "12-14")
        self.assertEqual(referral.packet["urgency"], "urgent")
        self.assertFalse(referral.packet["identifying"])
        self.assertNotIn("identifying", referral.narrative)
        self.assertNotIn("+355", referral.packet_text + str(referral.packet))
        self.assertNotIn("A child was bullied", referral.packet_text)  # the contact's own summary stays home

    def test_consent_to_share_includes_identifying_detail(self):
        contact = helpline_fixtures.al_contact(self, contact_details="+355 69 123 4567", consent_share=True)
        case = helpline_actions.open_case(contact, by=self.al_counsellor)
        referral = actions.send_helpline_case(case, by=self.al_counsellor, receiver=self.mk_centre, summary="S")
        self.assertEqual(referral.narrative["identifying"]["contact_details"], "+355 69 123 4567")

    def test_only_a_supervisor_overrides_consent_and_it_is_audited(self):
        contact = helpline_fixtures.al_contact(self, contact_details="+355 69 123 4567")
        case = helpline_actions.open_case(contact, by=self.al_counsellor)
        with self.assertRaises(actions.ReferralError):
            actions.send_helpline_case(
                case, by=self.al_counsellor, receiver=self.mk_centre, summary="S", override_reason="danger"
            )
        referral = actions.send_helpline_case(
            case, by=self.al_supervisor, receiver=self.mk_centre, summary="S", override_reason="imminent danger"
        )
        self.assertIn("identifying", referral.narrative)
        self.assertEqual(referral.consent_overridden_by, self.al_supervisor)
        entry = AuditEntry.objects.get(action="referrals.sent", object_id=str(referral.pk))
        self.assertTrue(entry.changes["consent_override"])
        self.assertNotIn("imminent danger", str(entry.changes))
