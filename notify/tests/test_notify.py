"""notify(): how any app tells people (in the application, e-mail in their language) and systems."""

import uuid

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from core.testing import SicnetTestCase
from notify.actions import notify, set_email_preference
from notify.models import Notification, WebhookDelivery, WebhookEndpoint
from notify.tests.helpers import PING, TARGET, register_test_events


def emails() -> list[dict]:
    return [r.args_kwargs["kwargs"] for r in DBTaskResult.objects.filter(task_path="core.tasks.send_email")]


class NotifyTests(SicnetTestCase):
    def setUp(self):
        register_test_events(self)

    def test_rows_and_emails_in_each_recipients_language(self):
        self.mk_analyst.language = "mk"
        self.mk_analyst.save(update_fields=["language"])
        thing = uuid.uuid4()
        notes = notify(PING, recipients=[self.mk_analyst, self.al_analyst], target=(TARGET, thing))
        self.assertEqual(len(notes), 2)
        self.assertEqual(
            set(Notification.objects.values_list("recipient", "target_type", "target_id")),
            {(self.mk_analyst.pk, TARGET, thing), (self.al_analyst.pk, TARGET, thing)},
        )
        sent = {mail["to"][0]: mail for mail in emails()}
        self.assertEqual(sent["al_analyst@test.example"]["subject"], "SICNet: Ping happened")
        self.assertIn(f"/network/?thing={thing}", sent["al_analyst@test.example"]["body"])
        self.assertIn("Open it in SICNet", sent["al_analyst@test.example"]["body"])
        self.assertNotIn("Open it in SICNet", sent["mk_analyst@test.example"]["body"])  # in Macedonian

    def test_an_explicit_link_and_no_target(self):
        notify(PING, recipients=[self.al_analyst], link="/hotline/")
        self.assertEqual(Notification.objects.get().link, "/hotline/")
        notify(PING, recipients=[self.al_manager])
        self.assertEqual(Notification.objects.get(recipient=self.al_manager).link, "")
        self.assertTrue(any("Open SICNet" in m["body"] for m in emails()))

    def test_no_email_when_the_user_said_no_but_still_in_app(self):
        set_email_preference(by=self.al_analyst, email=False)
        notify(PING, recipients=[self.al_analyst])
        self.assertEqual(emails(), [])
        self.assertTrue(Notification.objects.filter(recipient=self.al_analyst).exists())

    def test_webhooks_carry_the_payload_and_what_it_is_about(self):
        WebhookEndpoint.objects.create(centre=self.al_centre, url="https://a.example/", secret="x")
        thing = uuid.uuid4()
        notify(PING, target=(TARGET, thing), centre_id=self.al_centre.pk)
        delivery = WebhookDelivery.objects.get()
        self.assertEqual((delivery.target_type, delivery.target_id), (TARGET, thing))
        self.assertEqual(delivery.payload["type"], TARGET)
        self.assertEqual(delivery.payload["object"], str(thing))
        notify(PING, centre_id=self.al_centre.pk, payload={"count": 3})
        self.assertEqual(WebhookDelivery.objects.latest("created_at").payload["count"], 3)

    def test_a_rolled_back_change_notifies_nobody(self):
        WebhookEndpoint.objects.create(centre=self.al_centre, url="https://a.example/", secret="x")
        before = DBTaskResult.objects.count()
        try:
            with transaction.atomic():
                notify(PING, recipients=[self.al_analyst], centre_id=self.al_centre.pk)
                raise RuntimeError
        except RuntimeError:
            pass
        self.assertFalse(Notification.objects.exists())
        self.assertFalse(WebhookDelivery.objects.exists())
        self.assertEqual(DBTaskResult.objects.count(), before)
