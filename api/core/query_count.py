"""`X-Query-Count`: how many SQL statements a request ran, counted on the server (the benchmark reads it).

Only in MIDDLEWARE when `QUERY_COUNT_HEADER` is on (bench/run.py turns it on): the header tells a
client how the answer was computed, which production has no reason to say. Counting goes through
`connection.execute_wrapper`, so it works with DEBUG off (connection.queries is only kept with DEBUG)
and counts what actually reached the database driver, on every alias the request used.
"""

from contextlib import ExitStack

from django.db import connections

HEADER = "X-Query-Count"


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    """Counts the queries of the request's whole middleware chain below it and the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _Counter()
        with ExitStack() as stack:
            # One counter on every alias (a read replica too): the request's total.
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        # A streamed file's queries are all done before its bytes go out, so the count is complete.
        response[HEADER] = str(counter.count)
        return response
