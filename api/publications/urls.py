from rest_framework.routers import SimpleRouter

from api.publications.urls_citations import citation_urlpatterns
from api.publications.urls_imports import import_urlpatterns
from api.publications.views.publications import PublicationViewSet

router = SimpleRouter()
router.register("publications", PublicationViewSet, basename="publication")

# Fixed paths (export/, import/) come before the router, which would read them as ids.
urlpatterns = [*citation_urlpatterns, *import_urlpatterns, *router.urls]
