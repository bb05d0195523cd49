from rest_framework.routers import SimpleRouter

from api.webhooks.views import DeliveryViewSet, EndpointViewSet

# Ids in paths are at most 18 digits (a bigint): a longer number is an unknown path (404).
router = SimpleRouter()
router.register("webhooks/endpoints", EndpointViewSet, basename="webhook-endpoint")
router.register(
    r"webhooks/endpoints/(?P<endpoint_pk>\d{1,18})/deliveries", DeliveryViewSet, basename="webhook-delivery"
)

urlpatterns = router.urls
