"""Query parameters read through a serializer, as strictly as the list filters read theirs
(api.core.filters): an unknown parameter or a blank value is a 400 that names it, never ignored.

DRF reads a blank query value of a field that is not required as if it were absent (a form's
habit), so `?limit=` would quietly mean the default and `?task=&deliverable=3` the deliverable. A
blank value is most likely a client's bug; answering as if it were absent hides it, and for a
filter widens what is read (the OpenAPI fuzzer sends such requests)."""

from rest_framework.exceptions import ValidationError

BLANK = "Give a value, or leave the parameter out."


def validated_query(serializer_class, request, *, also: tuple[str, ...] = ()):
    """`serializer_class` bound to the request's query parameters and validated (its `validated_data`
    and `fields` read); `also` names parameters read elsewhere (`format`, say), known but not its own."""
    query = serializer_class(data=request.query_params)
    known = set(query.fields) | set(also)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        choices = ", ".join(sorted(known))
        raise ValidationError({name: [f"Unknown parameter; choose from {choices}."] for name in unknown})
    blank = sorted(name for name, values in request.query_params.lists() if any(not v.strip() for v in values))
    if blank:
        raise ValidationError({name: [BLANK] for name in blank})
    query.is_valid(raise_exception=True)
    return query
