"""Cached read answers, invalidated by generation numbers (issue 10, "what to build so the numbers are good").

A resource (e.g. `publications`) has a generation number in the shared cache; every committed write
that could change a read of it bumps the number (`generations.watch`). A read's answer is stored under a
key built from the request (path, query, format), who asks (their audience), the day (embargoes end at
midnight without a write) and the current generations: after a write no key built before it is ever
computed again, on any worker that shares the cache, so nobody reads stale data and nothing needs
deleting. The same key is the answer's ETag, so If-None-Match gets a 304 before any query or serializer.
"""
