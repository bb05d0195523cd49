"""Calendar (iCalendar) routes: fixed paths, listed before the router, which would read them as event ids."""

from django.urls import path

from api.events.views.calendar import EventIcsView, FeedTokenView, PersonalFeedView, PublicFeedView

calendar_urlpatterns = [
    path("events/feed.ics", PublicFeedView.as_view(), name="event-public-feed"),
    path("events/feed-token/", FeedTokenView.as_view(), name="event-feed-token"),
    path("events/feeds/<str:token>.ics", PersonalFeedView.as_view(), name="event-personal-feed"),
    path("events/<int:pk>/ics/", EventIcsView.as_view(), name="event-ics"),
]
