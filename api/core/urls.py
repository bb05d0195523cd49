from rest_framework.routers import SimpleRouter

from api.core.audit.views import AuditEventViewSet
from api.core.tokens.views import ApiTokenViewSet

router = SimpleRouter()
router.register("auth/tokens", ApiTokenViewSet, basename="token")
router.register("audit", AuditEventViewSet, basename="audit")

urlpatterns = router.urls
