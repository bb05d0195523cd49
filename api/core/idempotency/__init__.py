"""`Idempotency-Key` on POST: a retried write answers the first response instead of running again."""
