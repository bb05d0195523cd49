"""Small parsers of request bodies: an event's time zone (api.events.models.validate_time_zone) and a
profile's graduation month (api.careers.serializers.MonthField)."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st
from rest_framework import serializers

from api.careers.serializers import MonthField
from api.events.models import validate_time_zone
from tests.properties.support import PURE

zone_names = st.one_of(
    st.sampled_from(sorted(zoneinfo.available_timezones())),
    st.text(max_size=30),
    st.text(st.sampled_from("AEUatmeiorc/_.-"), max_size=300),
    st.sampled_from(["America", "Etc", "Europe/", "../UTC", "UTC\n", "a" * 300]),
)


@PURE
@given(zone_names)
@example("America")  # a directory of the zone database: was an IsADirectoryError, a 500 on POST /events/
@example("a" * 300)  # longer than a file name: was an OSError
def test_a_time_zone_is_a_zone_or_a_validation_error(name):
    try:
        validate_time_zone(name)
    except ValidationError:
        return
    assert zoneinfo.ZoneInfo(name).utcoffset(datetime.datetime(2026, 1, 1)) is not None


months = st.one_of(
    st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13)),
    st.text(max_size=10),
    st.integers(),
    st.none(),
    st.sampled_from(["2027-06\n", "\u0662\u0660\u0662\u0667-06", "2027-6", " 2027-06"]),
)


@PURE
@given(months)
@example("2027-06\n")  # the trailing newline passed `$`
@example("\u0662\u0660\u0662\u0667-06")  # Arabic-Indic digits passed `\d`
def test_a_month_is_an_ascii_year_and_month_of_wafers_range_or_invalid(value):
    field = MonthField()
    try:
        month = field.to_internal_value(value)
    except serializers.ValidationError:
        return
    assert isinstance(value, str) and 1900 <= month.year <= 2200 and month.day == 1
    assert field.to_representation(month) == value  # exactly the text given
