"""Cache connections live as long as the process, not as long as a request, and read in large chunks."""

import pymemcache.client.base
from django.core.cache import close_caches
from django.core.signals import request_finished

# pymemcache reads replies 4 KB per recv(); a cached page (~85 KB for 50 publications, an answer or its
# rows) took ~21 calls, each with its Python overhead. 64 KB made a cached answer ~3% and a page of
# cached rows ~6% faster in process (bench.profile's requests); larger gave no more.
READ_CHUNK = 64 * 1024


def keep_connections_between_requests() -> None:
    """Django closes every cache's connections when a request finishes, because some memcached client
    libraries leak them; pymemcache's pool (`use_pooling`, api.config.env.memcached_cache) does not, and
    opening a new TCP connection for every request cost 16% of a cached answer in the benchmark (bench/).
    Caches still close when Django swaps them (tests' settings overrides) and when the process exits."""
    request_finished.disconnect(close_caches)


def read_in_large_chunks() -> None:
    """pymemcache has no option for it: its module constant is read at each recv()."""
    pymemcache.client.base.RECV_SIZE = READ_CHUNK
