"""In a real browser: Albania's analyst forwards an item, North Macedonia's analyst accepts it."""

import pytest
from django.conf import settings
from django.test import Client

from core.testing import build_test_network
from core.tests.browser import BrowserTestCase
from hotline.models import Item
from referrals.models import Referral, Status
from referrals.tests import fixtures

pytestmark = pytest.mark.browser


class ForwardAndAcceptInBrowserTests(BrowserTestCase):
    def setUp(self):
        self.network = build_test_network()
        for name, user in self.network["users"].items():
            setattr(self, name, user)
        self.al_centre = self.network["centres"]["al"]
        self.mk_centre = self.network["centres"]["mk"]

    def sign_in(self, page, user) -> None:
        client = Client()
        client.force_login(user, backend="accounts.backends.EmailBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.live_server_url}])

    def test_forward_then_accept(self):
        item = fixtures.al_item(self)
        sender = self.new_page()
        self.sign_in(sender, self.al_analyst)
        sender.goto(self.url(f"/referrals/send/item/{item.pk}/"))
        sender.get_by_label("To the hotline of").select_option(label="North Macedonia SIC")
        sender.get_by_label("Note for the receiving hotline").fill("Hosted in your country")
        sender.get_by_role("button", name="Send the referral").click()
        sender.wait_for_selector("#referral-status")
        self.assertEqual(sender.locator("#referral-status").inner_text(), "Sent")

        receiver = self.new_page()
        self.sign_in(receiver, self.mk_analyst)
        receiver.goto(self.url("/referrals/"))
        receiver.get_by_role("link").filter(has_text=":").first.click()
        self.assertIn("hxxps://bad[.]example[.]com/a", receiver.content())
        self.assertIn("Hosted in your country", receiver.content())
        receiver.get_by_role("button", name="Accept").click()
        receiver.wait_for_load_state()
        self.assertEqual(receiver.locator("#referral-status").inner_text(), "Accepted")
        referral = Referral.objects.get()
        self.assertEqual(referral.status, Status.ACCEPTED)
        self.assertTrue(Item.objects.filter(centre=self.mk_centre, url=item.url).exists())
