"""Several hosts: each host's farm behind front balancers (`--front-proxies`). The client address
a front balancer reports is believed; anyone else reaching HAProxy still cannot choose their address.
On one box, "hosts" are loopback addresses: 127.0.0.2 plays the front balancer, 127.0.0.3 a stranger."""

from tests.farm.support import (
    audited_ips,
    farm_env,  # noqa: F401 (fixture)
    get,
    needs_haproxy,
    running_farm,
)

pytestmark = needs_haproxy

FRONT = "127.0.0.2"
STRANGER = "127.0.0.3"


def test_the_front_balancers_client_address_is_believed_and_no_one_elses(farm_env, tmp_path):  # noqa: F811
    env, token = farm_env
    auth = {"Authorization": f"Bearer {token}"}
    with running_farm(tmp_path, env, extra_args=("--front-proxies", FRONT)) as farm:
        # Each update changes the name: only a real change is audited. The front balancer replaced the
        # client's header with the address it saw.
        front = {**auth, "X-Forwarded-For": "203.0.113.7"}
        status, _, text = get(
            farm.port, "/api/v1/auth/me/", headers=front, method="PATCH", body={"given_name": "Front"}, source=FRONT
        )
        assert status == 200, text[:500]
        # A stranger reaching this host's HAProxy directly, lying about its address.
        lie = {**auth, "X-Forwarded-For": "6.6.6.6"}
        status, _, text = get(
            farm.port, "/api/v1/auth/me/", headers=lie, method="PATCH", body={"given_name": "Liar"}, source=STRANGER
        )
        assert status == 200, text[:500]
        ips = audited_ips(farm.port, token)
    print(f"\nbehind a front balancer: audit log IPs {ips}")
    assert sorted(ips) == ["127.0.0.3", "203.0.113.7"]
