"""In a real browser, keyboard only: a counsellor logs a counselling contact (and its draft autosaves)."""

from django.conf import settings
from django.test import Client

from core.testing import build_test_network
from core.tests.browser import BrowserTestCase
from helpline.models import Category, Contact, Scheme


class KeyboardLoggingTests(BrowserTestCase):
    def setUp(self):
        network = build_test_network()
        self.counsellor = network["users"]["al_counsellor"]
        # A transactional test case flushes the migration's data between tests: bring back what we use.
        if not Category.objects.filter(name="Grooming").exists():
            parent = Category.objects.create(scheme=Scheme.CHI, name="Violence", position=1)
            Category.objects.create(scheme=Scheme.CHI, parent=parent, name="Cyberbullying", position=2)
            Category.objects.create(scheme=Scheme.INSAFE, name="Grooming", position=1)

    def signed_in_page(self):
        client = Client()
        client.force_login(self.counsellor, backend="accounts.backends.EmailBackend")
        page = self.new_page()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.live_server_url}])
        return page

    def test_log_a_counselling_contact_with_the_keyboard_only(self):
        page = self.signed_in_page()
        page.goto(self.url("/helpline/contacts/new/"))
        keyboard = page.keyboard
        # The kind has the focus on arrival: the counsellor types straight away.
        self.assertEqual(page.evaluate("document.activeElement.id"), "id_kind")
        keyboard.press("Tab")
        self.assertEqual(page.evaluate("document.activeElement.id"), "id_channel")
        keyboard.type("Chat")
        page.locator("#id_caller_role").focus()
        keyboard.type("Child")
        keyboard.press("Tab")
        keyboard.type("13")
        page.locator("#id_urgency").focus()
        keyboard.type("Concerning")
        # Categories: type to find, Enter ticks the first match (and never submits the form).
        page.locator("#category-filter").focus()
        keyboard.type("groom")
        keyboard.press("Enter")
        keyboard.press("Control+A")
        keyboard.type("cyberbull")
        keyboard.press("Enter")
        page.locator("#id_summary").focus()
        keyboard.type("A stranger asked for photos in a game chat.")
        # The draft is saved as the counsellor types.
        page.locator("#autosave-status").get_by_text("Draft saved.").wait_for()
        draft = Contact.objects.get()
        self.assertTrue(draft.is_draft)
        page.locator("#id_consent_share").focus()
        keyboard.press("Space")
        page.locator("#log-contact").focus()
        keyboard.press("Enter")
        page.wait_for_url(f"**/helpline/contacts/{draft.pk}/")
        contact = Contact.objects.get()  # the draft became the contact: one row, not two
        self.assertFalse(contact.is_draft)
        self.assertEqual(
            (contact.channel, contact.caller_role, contact.age, contact.urgency), ("chat", "child", 13, "concerning")
        )
        self.assertTrue(contact.consent_share)
        self.assertEqual({c.name for c in contact.categories.all()}, {"Grooming", "Cyberbullying"})
        self.assertEqual(contact.summary, "A stranger asked for photos in a game chat.")
