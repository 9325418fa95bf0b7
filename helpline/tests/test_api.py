from audit.models import AuditEntry
from core.testing import SicnetTestCase
from helpline.models import Case, CaseNote, Category, Contact, Scheme
from helpline.tests import fixtures

BASE = "/api/v1/helpline"


class HelplineApiTests(SicnetTestCase):
    def setUp(self):
        self.login_as(self.al_counsellor)

    def post(self, path, body):
        return self.client.post(f"{BASE}{path}", body, content_type="application/json")

    def test_log_a_contact_through_the_same_action(self):
        topic = Category.objects.get(scheme=Scheme.INSAFE, name="Sexting")
        response = self.post(
            "/contacts",
            {
                "channel": "chat",
                "age": 14,
                "summary": "Shared a photo.",
                "identifier": "@kid",
                "categories": [str(topic.pk)],
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        contact = Contact.objects.get()
        self.assertEqual(
            (body["id"], body["age_band"], body["categories"]), (str(contact.pk), "12-14", [str(topic.pk)])
        )
        self.assertEqual(len(contact.identifier_hash), 64)
        self.assertTrue(AuditEntry.objects.filter(action="helpline.contact_logged", object_id=str(contact.pk)).exists())

    def test_a_draft_through_the_api(self):
        self.assertEqual(
            self.post("/contacts", {"draft": True, "channel": "nonsense", "summary": "x"}).status_code, 201
        )
        draft = Contact.objects.get()
        self.assertTrue(draft.is_draft)
        self.assertEqual(draft.channel, "phone")  # the invalid value was not kept

    def test_bad_input_is_refused(self):
        response = self.post("/contacts", {"channel": "pigeon"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("channel", response.json()["errors"])
        self.assertFalse(Contact.objects.exists())

    def test_the_list_has_no_summaries_and_a_fixed_query_count(self):
        for _ in range(3):
            fixtures.al_contact(self)
        with self.assertNumQueries(8):  # session, user, memberships, the count, the page; the session saved
            response = self.client.get(f"{BASE}/contacts")
        self.assertEqual((len(response.json()["items"]), response.json()["count"]), (3, 3))
        self.assertNotIn("summary", response.json()["items"][0])
        self.assertNotIn("bullied", response.content.decode())

    def test_detail_is_audited_and_the_other_country_gets_404(self):
        contact = fixtures.al_contact(self)
        response = self.client.get(f"{BASE}/contacts/{contact.pk}")
        self.assertEqual(response.json()["summary"], contact.summary)
        self.assertTrue(AuditEntry.objects.filter(action="helpline.contact_viewed").exists())
        self.login_as(self.mk_counsellor)
        self.assertEqual(self.client.get(f"{BASE}/contacts/{contact.pk}").status_code, 404)

    def test_cases(self):
        contact = fixtures.al_contact(self)
        response = self.post(f"/contacts/{contact.pk}/case", {})
        self.assertEqual(response.status_code, 201)
        case = Case.objects.get()
        self.assertEqual(self.post(f"/contacts/{contact.pk}/case", {}).status_code, 409)
        response = self.client.patch(f"{BASE}/cases/{case.pk}", {"risk_level": "high"}, content_type="application/json")
        self.assertEqual(response.json()["risk_level"], "high")
        response = self.client.patch(f"{BASE}/cases/{case.pk}", {"status": "gone"}, content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.post(f"/cases/{case.pk}/notes", {"text": "Called the school."}).status_code, 201)
        self.assertEqual(CaseNote.objects.get().text, "Called the school.")
        body = self.client.get(f"{BASE}/cases/{case.pk}").json()
        self.assertEqual((body["contacts"], body["notes"][0]["text"]), ([str(contact.pk)], "Called the school."))
        with self.assertNumQueries(8):
            self.assertEqual(len(self.client.get(f"{BASE}/cases").json()["items"]), 1)
        self.login_as(self.mk_counsellor)
        self.assertEqual(self.client.get(f"{BASE}/cases/{case.pk}").status_code, 404)
        self.assertEqual(self.client.get(f"{BASE}/cases").json(), {"items": [], "count": 0})

    def test_others_are_refused(self):
        self.login_as(self.al_manager)
        self.assertEqual(self.client.get(f"{BASE}/contacts").status_code, 403)
