from django.urls import path

from api.changes.views import ChangeFeedView

urlpatterns = [path("changes/", ChangeFeedView.as_view(), name="changes")]
