"""Fixes: the address is resolved once and the connection goes to that address (Host header and TLS
name kept); a failure is stored and shown as a safe category, never the exception's text."""

from __future__ import annotations

import datetime
import socket
import ssl
import tempfile
import threading
from pathlib import Path
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core.testing import SicnetTestCase
from notify import webhooks
from notify.models import DeliveryError, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from notify.tests.helpers import LOCAL_RECEIVER, SECRET, Receiver, ping, register_test_events

PUBLIC = "93.184.215.14"
REAL_GETADDRINFO = socket.getaddrinfo
REAL_CREATE_CONNECTION = socket.create_connection


def _info(address: str, port: int) -> list:
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


class FakeDNS:
    """Answers ``answers`` in turn for ``name`` (the last one again and again); other names as usual."""

    def __init__(self, name: str, *answers: str) -> None:
        self.name, self.answers, self.lookups = name, list(answers), 0

    def __call__(self, host, port, *args, **kwargs):
        if host != self.name:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        answer = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        return _info(answer, int(port or 0))


class Connections:
    """Records where connections go; the public address refuses (the tests never leave the machine)."""

    def __init__(self) -> None:
        self.to: list = []

    def __call__(self, address, *args, **kwargs):
        self.to.append(address)
        if address[0] == PUBLIC:
            raise ConnectionRefusedError(111, f"Connection refused to {address[0]}:{address[1]}")
        return REAL_CREATE_CONNECTION(address, *args, **kwargs)


class PinnedTests(SicnetTestCase):
    def setUp(self):
        register_test_events(self)
        translation.activate("en")  # the stored category is read in the active language
        self.addCleanup(translation.deactivate)
        self.receiver = Receiver(fail_every_other=False)
        self.addCleanup(self.receiver.close)

    def deliver(self, url: str, dns: FakeDNS) -> WebhookDelivery:
        endpoint = WebhookEndpoint.objects.create(centre=self.mk_centre, url=url, secret=SECRET)
        ping(self.mk_centre)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        self.connections = Connections()
        with mock.patch("socket.getaddrinfo", dns), mock.patch("socket.create_connection", self.connections):
            webhooks.attempt(str(delivery.pk))
        delivery.refresh_from_db()
        return delivery

    @override_settings(NOTIFY_WEBHOOK_ALLOW_HTTP=True, NOTIFY_WEBHOOK_ALLOW_PRIVATE=False)
    def test_an_answer_that_changes_after_the_check_does_not_reach_an_internal_host(self):
        # Public when checked, then the loopback where an internal service listens.
        dns = FakeDNS("rebind.example", PUBLIC, "127.0.0.1")
        delivery = self.deliver(f"http://rebind.example:{self.receiver.port}/hook", dns)
        self.assertEqual(self.receiver.requests, [])
        self.assertEqual(dns.lookups, 1)
        self.assertEqual(self.connections.to, [(PUBLIC, self.receiver.port)])
        self.assertEqual((delivery.error, delivery.last_error), (DeliveryError.REFUSED, "Connection refused"))

    @LOCAL_RECEIVER
    def test_the_request_keeps_the_host_name(self):
        dns = FakeDNS("hooks.example", "127.0.0.1")
        delivery = self.deliver(f"http://hooks.example:{self.receiver.port}/hook", dns)
        self.assertEqual(delivery.status, DeliveryStatus.DELIVERED)
        self.assertEqual(self.connections.to, [("127.0.0.1", self.receiver.port)])
        self.assertEqual([r["host"] for r in self.receiver.requests], [f"hooks.example:{self.receiver.port}"])


def _certificate(directory: Path, name: str) -> tuple[str, str]:
    """A self-signed certificate for ``name`` (its own CA): the paths of the certificate and key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


@LOCAL_RECEIVER
class TLSTests(SicnetTestCase):
    """https to the checked address: SNI and the certificate check are for the name in the URL."""

    def setUp(self):
        register_test_events(self)
        translation.activate("en")  # the stored category is read in the active language
        self.addCleanup(translation.deactivate)
        directory = Path(tempfile.mkdtemp())
        cert, key = _certificate(directory, "hooks.example")
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(cert, key)
        self.server_names: list = []
        server_context.sni_callback = lambda sock, name, context: self.server_names.append(name)
        self.receiver = Receiver(
            fail_every_other=False, wrap=lambda sock: server_context.wrap_socket(sock, server_side=True)
        )
        self.addCleanup(self.receiver.close)
        trusted = ssl.create_default_context(cafile=cert)
        patcher = mock.patch("notify.webhooks.tls_context", return_value=trusted)
        patcher.start()
        self.addCleanup(patcher.stop)

    def deliver(self, name: str) -> WebhookDelivery:
        endpoint = WebhookEndpoint.objects.create(
            centre=self.mk_centre, url=f"https://{name}:{self.receiver.port}/hook", secret=SECRET
        )
        ping(self.mk_centre)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        with mock.patch("socket.getaddrinfo", FakeDNS(name, "127.0.0.1")):
            webhooks.attempt(str(delivery.pk))
        delivery.refresh_from_db()
        return delivery

    def test_the_certificate_is_checked_for_the_name_while_connecting_to_the_address(self):
        delivery = self.deliver("hooks.example")
        self.assertEqual(delivery.status, DeliveryStatus.DELIVERED)
        self.assertEqual(self.server_names, ["hooks.example"])
        self.assertEqual(self.receiver.requests[0]["host"], f"hooks.example:{self.receiver.port}")

    def test_a_certificate_for_another_name_is_a_tls_error(self):
        delivery = self.deliver("other.example")
        self.assertEqual((delivery.error, delivery.last_error), (DeliveryError.TLS, str(DeliveryError.TLS.label)))
        self.assertEqual(self.receiver.requests, [])


@LOCAL_RECEIVER
class SafeErrorTests(SicnetTestCase):
    """What is stored and shown names a category, never a host, an address, a port or an errno."""

    def setUp(self):
        register_test_events(self)
        translation.activate("en")  # the stored category is read in the active language
        self.addCleanup(translation.deactivate)

    def attempt_to(self, url: str) -> WebhookDelivery:
        endpoint = WebhookEndpoint.objects.create(centre=self.mk_centre, url=url, secret=SECRET)
        ping(self.mk_centre)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        webhooks.attempt(str(delivery.pk))
        delivery.refresh_from_db()
        return delivery

    def closed_port(self) -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def test_refused(self):
        port = self.closed_port()
        with (
            mock.patch("socket.getaddrinfo", FakeDNS("internal.example", "10.0.0.7")),
            mock.patch(
                "socket.create_connection", side_effect=ConnectionRefusedError(111, f"refused by 10.0.0.7:{port}")
            ),
        ):
            delivery = self.attempt_to(f"http://internal.example:{port}/")
        self.assertEqual((delivery.error, delivery.error_status), (DeliveryError.REFUSED, None))
        self.assertEqual(delivery.last_error, "Connection refused")

    def test_timed_out(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts, never answers
        self.addCleanup(listener.close)
        with mock.patch.object(webhooks, "TIMEOUT_SECONDS", 0.3):
            delivery = self.attempt_to(f"http://127.0.0.1:{listener.getsockname()[1]}/")
        self.assertEqual(delivery.last_error, "Timed out")

    def test_a_name_that_does_not_resolve(self):
        def fails(host, *args, **kwargs):
            raise socket.gaierror(-2, f"Name or service not known: {host}")

        with mock.patch("socket.getaddrinfo", fails):
            delivery = self.attempt_to("http://gone.internal.example/")
        self.assertEqual(delivery.last_error, "This host name could not be found.")

    def test_a_broken_answer(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        self.addCleanup(listener.close)

        def garbage():
            conn, _addr = listener.accept()
            conn.recv(65536)
            conn.sendall(b"not http at all from 10.0.0.7:8080\r\n\r\n")
            conn.close()

        threading.Thread(target=garbage, daemon=True).start()
        delivery = self.attempt_to(f"http://127.0.0.1:{listener.getsockname()[1]}/")
        self.assertEqual(delivery.last_error, "Network error")

    def test_the_dead_letter_page_shows_the_category_in_the_readers_language(self):
        port = self.closed_port()
        endpoint = WebhookEndpoint.objects.create(
            centre=self.al_centre, url=f"http://127.0.0.1:{port}/hook", secret=SECRET
        )
        ping(self.al_centre)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        webhooks.attempt(str(delivery.pk))
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DEAD)
        self.al_manager.language = "sq"
        self.al_manager.save(update_fields=["language"])
        self.login_as(self.al_manager)
        page = self.client.get(reverse("notify:dead_letters", args=[self.al_centre.pk])).content.decode()
        error_cell = page.split("<td>")[5]  # created, event, endpoint, attempts, last error
        self.assertNotIn("Errno", error_cell)
        self.assertNotIn("127.0.0.1", error_cell)
        self.assertNotIn("Connection refused", error_cell)  # translated
        self.assertIn("Lidhja u refuzua", error_cell)
