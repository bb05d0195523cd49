from django.urls import path
from rest_framework.routers import SimpleRouter

from api.careers.views.me import (
    MyConsentHistoryView,
    MyConsentView,
    MyCvView,
    MyProfileView,
    MyRenewView,
    MyViewsView,
)
from api.careers.views.profiles import ProfileViewSet
from api.careers.views.recruiters import RecruiterViewSet
from api.careers.views.resume_books import ResumeBookViewSet

router = SimpleRouter()
router.register("careers/profiles", ProfileViewSet, basename="career-profile")
router.register("careers/recruiters", RecruiterViewSet, basename="recruiter")
router.register("careers/resume-books", ResumeBookViewSet, basename="resume-book")

urlpatterns = [
    path("careers/me/", MyProfileView.as_view(), name="careers-me"),
    path("careers/me/cv/", MyCvView.as_view(), name="careers-me-cv"),
    path("careers/me/consent/", MyConsentView.as_view(), name="careers-me-consent"),
    path("careers/me/consent/history/", MyConsentHistoryView.as_view(), name="careers-me-consent-history"),
    path("careers/me/renew/", MyRenewView.as_view(), name="careers-me-renew"),
    path("careers/me/views/", MyViewsView.as_view(), name="careers-me-views"),
    *router.urls,
]
