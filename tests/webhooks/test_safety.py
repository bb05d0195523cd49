"""Server-side request forgery: URLs into Wafer's own network are refused, at registration and at
every attempt, unless WEBHOOK_ALLOW_PRIVATE_URLS allows them."""

import socket

import pytest

from api.webhooks import safety
from api.webhooks.models import Delivery, Endpoint
from tests.changes.support import publication

from .support import ENDPOINTS, endpoint

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"


@pytest.fixture
def strict(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOK_ALLOW_HTTP = False


@pytest.fixture
def dns(monkeypatch):
    """dns({"host": ["1.2.3.4", ...]}): what the resolver answers for these names (others: real)."""
    real = socket.getaddrinfo

    def install(table):
        def resolver(host, port, *args, **kwargs):
            if host in table:
                family = {4: socket.AF_INET, 6: socket.AF_INET6}
                return [(family[6 if ":" in ip else 4], socket.SOCK_STREAM, 6, "", (ip, port)) for ip in table[host]]
            return real(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", resolver)

    return install


REFUSED_URLS = {
    "loopback": "https://127.0.0.1/hook",
    "loopback-other": "https://127.8.9.10/hook",
    "private-10": "https://10.1.2.3/hook",
    "private-192": "https://192.168.0.10/hook",
    "private-172": "https://172.16.5.4/hook",
    "cloud-metadata": "https://169.254.169.254/latest/meta-data/",
    "cgnat": "https://100.64.1.1/hook",
    "unspecified": "https://0.0.0.0/hook",
    "multicast": "https://224.0.0.1/hook",
    "ipv6-loopback": "https://[::1]/hook",
    "ipv6-mapped-loopback": "https://[::ffff:127.0.0.1]/hook",
    "ipv6-mapped-metadata": "https://[::ffff:169.254.169.254]/hook",
    "ipv6-link-local": "https://[fe80::1]/hook",
    "ipv6-unique-local": "https://[fd00::1]/hook",
    "nat64-private": "https://[64:ff9b::a00:1]/hook",
    "decimal-loopback": "https://2130706433/hook",
}


@pytest.mark.parametrize("url", REFUSED_URLS.values(), ids=REFUSED_URLS.keys())
def test_internal_addresses_are_refused_at_registration(strict, staff_api, url):
    response = staff_api.post(ENDPOINTS, {"url": url, "event_types": ["publication.published"]}, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["url"]
    assert Endpoint.objects.count() == 0


def test_a_name_resolving_to_loopback_is_refused(strict, staff_api, dns):
    dns({"hooks.example.com": ["127.0.0.1"]})
    response = staff_api.post(
        ENDPOINTS, {"url": "https://hooks.example.com/in", "event_types": ["event.published"]}, format="json"
    )
    assert response.status_code == 400
    assert "internal address" in response.json()["fields"]["url"][0]


def test_one_internal_address_among_public_ones_is_enough_to_refuse(strict, staff_api, dns):
    dns({"hooks.example.com": [PUBLIC, "10.0.0.7"]})
    response = staff_api.post(
        ENDPOINTS, {"url": "https://hooks.example.com/in", "event_types": ["event.published"]}, format="json"
    )
    assert response.status_code == 400


def test_a_public_https_url_is_accepted(strict, staff_api, dns):
    dns({"hooks.example.com": [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]})
    for url in ("https://hooks.example.com/in", "https://hooks.example.com:8443/in"):
        response = staff_api.post(ENDPOINTS, {"url": url, "event_types": ["event.published"]}, format="json")
        assert response.status_code == 201, response.json()


BAD_SHAPES = {
    "http": "http://hooks.example.com/in",
    "ftp": "ftp://hooks.example.com/in",
    "userinfo": "https://user:pass@hooks.example.com/in",
    "user-only": "https://user@hooks.example.com/in",
    "fragment": "https://hooks.example.com/in#x",
    "smtp-port": "https://hooks.example.com:25/in",
    "ssh-port": "https://hooks.example.com:22/in",
    "no-host": "https:///in",
    "not-a-url": "hooks.example.com/in",
}


@pytest.mark.parametrize("url", BAD_SHAPES.values(), ids=BAD_SHAPES.keys())
def test_bad_urls_are_refused(strict, staff_api, dns, url):
    dns({"hooks.example.com": [PUBLIC]})
    response = staff_api.post(ENDPOINTS, {"url": url, "event_types": ["event.published"]}, format="json")
    assert response.status_code == 400, response.json()
    assert "url" in response.json()["fields"]


def test_a_name_that_does_not_resolve_is_refused(strict, staff_api):
    response = staff_api.post(
        ENDPOINTS, {"url": "https://nowhere.invalid/in", "event_types": ["event.published"]}, format="json"
    )
    assert response.status_code == 400 and "resolved" in response.json()["fields"]["url"][0]


def test_a_url_changed_to_an_internal_one_is_refused(strict, staff_api, dns):
    dns({"hooks.example.com": [PUBLIC]})
    created = staff_api.post(
        ENDPOINTS, {"url": "https://hooks.example.com/in", "event_types": ["event.published"]}, format="json"
    ).json()
    response = staff_api.patch(f"{ENDPOINTS}{created['id']}/", {"url": "https://10.0.0.1/in"}, format="json")
    assert response.status_code == 400
    assert Endpoint.objects.get().url == "https://hooks.example.com/in"


def test_the_address_is_checked_again_at_every_attempt(receiver, settings, django_capture_on_commit_callbacks):
    endpoint(receiver.url())  # registered while loopback was allowed
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    with django_capture_on_commit_callbacks(execute=True):
        publication()
    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "internal address" in delivery.last_error


def test_a_name_rebound_to_loopback_after_registration_is_refused_when_sending(
    receiver, settings, dns, django_capture_on_commit_callbacks
):
    dns({"hooks.example.com": [PUBLIC]})
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    endpoint(f"http://hooks.example.com:{receiver.port}/hook")
    dns({"hooks.example.com": ["127.0.0.1"]})  # the attacker's DNS now answers loopback
    with django_capture_on_commit_callbacks(execute=True):
        publication()
    assert receiver.requests == []
    assert "internal address" in Delivery.objects.get().last_error


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("8.8.8.8", False),
        ("2001:4860:4860::8888", False),
        ("127.0.0.1", True),
        ("::ffff:10.0.0.1", True),
        ("::ffff:8.8.8.8", True),  # IPv4-mapped addresses are never needed for a public receiver
        ("2002:7f00:1::1", True),  # 6to4 of 127.0.0.1
        ("fe80::1%eth0", True),
        ("198.18.0.1", True),  # benchmarking range
        ("240.0.0.1", True),  # reserved
    ],
)
def test_address_rules(address, refused):
    assert safety.address_refused(address) is refused
