from django.urls import path
from rest_framework.routers import SimpleRouter

from api.accounts.views.auth import CsrfView, LoginView, LogoutView, MeView, PasswordView
from api.accounts.views.organisations import OrganisationViewSet
from api.accounts.views.people import PersonViewSet
from api.accounts.views.personal_data import PersonalDataExportView

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("people", PersonViewSet, basename="person")

urlpatterns = [
    path("auth/csrf/", CsrfView.as_view(), name="auth-csrf"),
    path("auth/login/", LoginView.as_view(), name="auth-login"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", MeView.as_view(), name="auth-me"),
    path("auth/me/export/", PersonalDataExportView.as_view(), name="auth-me-export"),
    path("auth/password/", PasswordView.as_view(), name="auth-password"),
    *router.urls,
]
