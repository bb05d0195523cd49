# Filled in by the citations work.
citation_urlpatterns = []
