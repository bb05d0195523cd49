# Filled in by the calendar (iCalendar) work.
calendar_urlpatterns = []
