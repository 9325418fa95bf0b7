"""Moving the rows out of referrals' tables keeps ids, timestamps, secrets and states, and turns a
stored error text into a safe category."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

BEFORE = [("referrals", "0003_delivery_due"), ("notify", "0001_initial")]
AFTER = [("referrals", "0004_move_notifications_to_notify")]


class MoveFromReferralsTests(TransactionTestCase):
    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        self.migrate(executor_leaf_nodes())

    def test_rows_are_copied_with_their_ids_secrets_and_states(self):
        old = self.migrate(BEFORE)
        country = old.get_model("network", "Country").objects.create(code="AL", name="Albania")
        centre = old.get_model("network", "Centre").objects.create(code="al", name="Albania SIC", country=country)
        user = old.get_model("accounts", "User").objects.create(email="a@test.example", password="x")
        sender = old.get_model("accounts", "User").objects.create(email="b@test.example", password="x")
        referral = old.get_model("referrals", "Referral").objects.create(
            sender=centre, service="hotline", kind="information", sent_by=sender, sent_at=timezone.now()
        )
        created = timezone.now() - timedelta(days=3)
        note = old.get_model("referrals", "Notification").objects.create(
            recipient=user, event="sent", referral=referral
        )
        old.get_model("referrals", "Notification").objects.filter(pk=note.pk).update(created_at=created)
        old.get_model("referrals", "NotificationPreference").objects.create(user=user, email=False)
        endpoint = old.get_model("referrals", "WebhookEndpoint").objects.create(
            centre=centre, url="https://hooks.al.example/", secret="the-secret", events=["sent"], is_active=False
        )
        deliveries = old.get_model("referrals", "WebhookDelivery").objects
        leaking = deliveries.create(
            endpoint=endpoint,
            event="sent",
            payload={"event": "sent", "referral": str(referral.pk)},
            status="dead",
            attempts=6,
            last_error="<urlopen error [Errno 111] Connection refused> 10.0.0.7:8443",
        )
        http = deliveries.create(endpoint=endpoint, event="accepted", status="pending", last_error="HTTP 503")
        delivered = deliveries.create(endpoint=endpoint, event="sent", status="delivered", attempts=1)

        new = self.migrate(AFTER)
        moved = new.get_model("notify", "Notification").objects.get()
        self.assertEqual((moved.pk, moved.recipient_id, moved.event), (note.pk, user.pk, "sent"))
        self.assertEqual((moved.target_type, moved.target_id), ("referrals.referral", referral.pk))
        self.assertEqual(moved.link, f"/referrals/{referral.pk}/")
        self.assertEqual(moved.created_at, created)
        self.assertFalse(new.get_model("notify", "NotificationPreference").objects.get(user_id=user.pk).email)
        copied = new.get_model("notify", "WebhookEndpoint").objects.get()
        self.assertEqual(
            (copied.pk, copied.secret, copied.events, copied.is_active), (endpoint.pk, "the-secret", ["sent"], False)
        )
        rows = {d.pk: d for d in new.get_model("notify", "WebhookDelivery").objects.all()}
        self.assertEqual(set(rows), {leaking.pk, http.pk, delivered.pk})  # the idempotency keys receivers know
        self.assertEqual((rows[leaking.pk].status, rows[leaking.pk].attempts), ("dead", 6))
        self.assertEqual((rows[leaking.pk].error, rows[leaking.pk].error_status), ("refused", None))
        self.assertEqual(rows[leaking.pk].target_id, referral.pk)
        self.assertEqual((rows[http.pk].error, rows[http.pk].error_status), ("http", 503))
        self.assertEqual((rows[delivered.pk].status, rows[delivered.pk].error), ("delivered", ""))
        self.assertNotIn("referrals_notification", connection.introspection.table_names())

        # Back again (best effort): the rows return to referrals' tables, and forward once more.
        back = self.migrate(BEFORE)
        self.assertEqual(back.get_model("referrals", "Notification").objects.get().referral_id, referral.pk)
        self.assertEqual(back.get_model("referrals", "WebhookEndpoint").objects.get().secret, "the-secret")
        self.assertEqual(back.get_model("referrals", "WebhookDelivery").objects.get(pk=http.pk).last_error, "HTTP 503")
        self.assertFalse(back.get_model("notify", "WebhookEndpoint").objects.exists())
        again = self.migrate(AFTER)
        self.assertEqual(again.get_model("notify", "WebhookDelivery").objects.count(), 3)


def executor_leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
