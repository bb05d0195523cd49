# Filled in by the imports work.
import_urlpatterns = []
