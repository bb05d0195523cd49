"""One memcached server: keys go to it without being hashed; several: pymemcache's own choice."""

from pymemcache.client import murmur3
from pymemcache.client.rendezvous import RendezvousHash

from api.config.env import memcached_cache
from api.core.memcached_hashing import RendezvousHashSkippedForOneServer


def test_the_cache_settings_use_the_hasher():
    assert memcached_cache(["10.0.0.5:11211"])["OPTIONS"]["hasher"] is RendezvousHashSkippedForOneServer


def test_one_server_takes_every_key_without_hashing(monkeypatch):
    hasher = RendezvousHashSkippedForOneServer()
    hasher.add_node("a")
    monkeypatch.setattr(hasher, "hash_function", lambda key: 1 / 0)
    assert [hasher.get_node(f"key{i}") for i in range(5)] == ["a"] * 5


def test_several_servers_are_chosen_as_pymemcache_chooses():
    ours, theirs = RendezvousHashSkippedForOneServer(), RendezvousHash(hash_function=murmur3.murmur3_32)
    for node in ("a", "b", "c"):
        ours.add_node(node)
        theirs.add_node(node)
    keys = [f"key{i}" for i in range(200)]
    assert [ours.get_node(k) for k in keys] == [theirs.get_node(k) for k in keys]
    ours.remove_node("a"), ours.remove_node("b"), ours.remove_node("c")
    assert ours.get_node("key") is None  # every server dead: HashClient reads it as a miss
