from rest_framework.routers import SimpleRouter

from api.events.urls_calendar import calendar_urlpatterns
from api.events.views.events import EventViewSet
from api.events.views.registrations import RegistrationViewSet

# Ids in paths are at most 18 digits (a bigint): a longer number is an unknown path (404), not a
# database overflow.
router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
router.register(r"events/(?P<event_pk>\d{1,18})/registrations", RegistrationViewSet, basename="event-registration")

# Calendar feeds (fixed paths such as events/feed.ics) come before the router, which would read them as ids.
urlpatterns = [*calendar_urlpatterns, *router.urls]
