from django.urls import path

from api.reporting.views import REPORT_VIEWS, ReportIndexView

urlpatterns = [
    path("reports/", ReportIndexView.as_view(), name="reports"),
    *(path(f"reports/{name}/", view.as_view(), name=f"reports-{name}") for name, (view, _) in REPORT_VIEWS.items()),
]
