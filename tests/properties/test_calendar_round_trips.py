"""Our iCalendar output (api.events.ics) reads back through icalendar to what the event says: text escaped
and folded, times in the event's own zone meaning the same instants."""

import datetime

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from api.events import ics
from api.events.models import Event
from tests.properties.strategies import PRINTABLE
from tests.properties.support import PURE

ZONES = ["UTC", "America/Chicago", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"]
text = st.text(st.one_of(PRINTABLE, st.sampled_from(',;:\\\n"')), max_size=120)
# iCalendar counts whole seconds.
starts = st.datetimes(
    datetime.datetime(1990, 1, 1), datetime.datetime(2090, 1, 1), timezones=st.just(datetime.UTC)
).map(lambda moment: moment.replace(microsecond=0))
lengths = st.integers(60, 3 * 86400).map(lambda seconds: datetime.timedelta(seconds=seconds))


@PURE
@given(
    st.text(st.one_of(PRINTABLE, st.sampled_from(',;:\\"')), min_size=1, max_size=120),
    text,
    st.text(PRINTABLE, max_size=60),
    starts,
    lengths,
    st.sampled_from(ZONES),
)
def test_an_event_reads_back_from_our_calendar(title, description, location, start, length, zone):
    changed = datetime.datetime(2026, 3, 15, tzinfo=datetime.UTC)
    event = Event(
        pk=7, kind=Event.Kind.WORKSHOP, title=title, description=description, location=location,
        starts_at=start, ends_at=start + length, time_zone=zone, updated_at=changed,
    )  # fmt: skip
    calendar = Calendar.from_ical(ics.calendar([ics.event_entry(event, show_link=False)], name="Wafer", uid="u"))
    (read,) = calendar.walk("VEVENT")
    assert str(read["SUMMARY"]) == title
    assert str(read.get("LOCATION", "")) == location
    assert description.strip() in str(read["DESCRIPTION"])
    assert read.decoded("DTSTART") == start and read.decoded("DTEND") == start + length
    assert str(read.decoded("DTSTART").tzinfo) == zone  # written in the event's own zone
