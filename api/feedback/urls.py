from rest_framework.routers import SimpleRouter

from api.feedback.views import FeedbackViewSet

router = SimpleRouter()
router.register("feedback", FeedbackViewSet, basename="feedback")

urlpatterns = router.urls
