from rest_framework.routers import SimpleRouter

from api.research.views.deliverables import DeliverableViewSet
from api.research.views.programs import ProgramViewSet
from api.research.views.tasks import TaskViewSet

router = SimpleRouter()
router.register("programs", ProgramViewSet, basename="program")
router.register("tasks", TaskViewSet, basename="task")
router.register("deliverables", DeliverableViewSet, basename="deliverable")

urlpatterns = router.urls
