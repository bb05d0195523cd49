"""Cache connections live as long as the process, not as long as a request."""

from django.core.cache import close_caches
from django.core.signals import request_finished


def keep_connections_between_requests() -> None:
    """Django closes every cache's connections when a request finishes, because some memcached client
    libraries leak them; pymemcache's pool (`use_pooling`, api.config.env.memcached_cache) does not, and
    opening a new TCP connection for every request cost 16% of a cached answer in the benchmark (bench/).
    Caches still close when Django swaps them (tests' settings overrides) and when the process exits."""
    request_finished.disconnect(close_caches)
