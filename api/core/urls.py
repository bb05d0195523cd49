from rest_framework.routers import SimpleRouter

from api.core.tokens.views import ApiTokenViewSet

router = SimpleRouter()
router.register("auth/tokens", ApiTokenViewSet, basename="token")

urlpatterns = router.urls
