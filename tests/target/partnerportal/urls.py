from django.urls import include, path
from rest_framework.routers import SimpleRouter

from accounts import views as accounts
from billing.views import InvoiceViewSet
from catalogue.views import PlanViewSet

router = SimpleRouter()
router.register("profiles", accounts.ProfileViewSet, basename="profile")
router.register("users", accounts.UserViewSet, basename="user")
router.register("secure-profiles", accounts.SecureProfileViewSet, basename="secure-profile")
router.register("members", accounts.MemberViewSet, basename="member")
router.register("tickets", accounts.SupportTicketViewSet, basename="ticket")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("plans", PlanViewSet, basename="plan")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/directory/", accounts.DirectoryView.as_view(), name="directory"),
    path("api/tenant/", accounts.TenantView.as_view(), name="tenant"),
    path("api/health/", accounts.health, name="health"),
]
