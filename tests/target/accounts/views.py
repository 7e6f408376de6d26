from django.contrib.auth.models import User
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import SupportTicket, Tenant, UserProfile
from .permissions import CertificateDataPermission
from .serializers import (
    MemberSerializer,
    SecureUserProfileSerializer,
    SupportTicketSerializer,
    TenantSerializer,
    UserProfileSerializer,
    UserSerializer,
)


# Scoped to the caller's tenant, but UserProfileSerializer returns everything.
class ProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """Profiles of the partner's console users."""

    serializer_class = UserProfileSerializer

    def get_queryset(self):
        return UserProfile.objects.filter(tenant=self.request.tenant).select_related("user", "tenant")


# Scoped to the caller's tenant, but UserSerializer nests every sign-in of each user.
class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """The partner's console users."""

    serializer_class = UserSerializer

    def get_queryset(self):
        return User.objects.filter(profile__tenant=self.request.tenant).prefetch_related("activities").order_by("id")


# The correct pattern: explicit serializer fields and a certificate-bound object permission.
class SecureProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """Profiles of the partner's console users (public fields)."""

    serializer_class = SecureUserProfileSerializer
    permission_classes = [IsAuthenticated, CertificateDataPermission]
    queryset = UserProfile.objects.select_related("user", "tenant")

    def get_queryset(self):
        return super().get_queryset().filter(tenant=self.request.tenant)

    @action(detail=False)
    def me(self, request):
        profile = self.get_queryset().filter(user=request.user).first()
        if profile is None:
            raise NotFound()
        self.check_object_permissions(request, profile)
        return Response(self.get_serializer(profile).data)


# MemberSerializer lets a partner set `is_staff` and sends the password hash back.
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Console users the partner manages itself."""

    serializer_class = MemberSerializer

    def get_queryset(self):
        return User.objects.filter(profile__tenant=self.request.tenant, profile__role="member").order_by("id")


# MISTAKE (imitated on purpose): the queryset is never filtered by the caller's tenant (no
# get_queryset): every partner lists, and retrieves by id, every partner's support tickets. The
# serializer's explicit fields are all declared, so only a comparison across identities shows it.
class SupportTicketViewSet(viewsets.ReadOnlyModelViewSet):
    """Support tickets the partner filed."""

    serializer_class = SupportTicketSerializer
    queryset = SupportTicket.objects.all()


# MISTAKE (imitated on purpose): `.values()` of the whole User model straight into the response,
# the password hash included. drf-spectacular sees no serializer here and documents no body.
class DirectoryView(APIView):
    """Who is who at the partner."""

    def get(self, request):
        users = User.objects.filter(profile__tenant=request.tenant).order_by("id")
        return Response(list(users.values()))


# MISTAKE (imitated on purpose): "mTLS already authenticated the caller at the edge", so the view
# is AllowAny and identifies the tenant by the CN header itself. The strict listener always
# sets that header from the verified certificate; the lax one passes on whatever the client sent.
class TenantView(generics.RetrieveAPIView):
    """The calling partner's settings."""

    serializer_class = TenantSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_object(self):
        cn = self.request.headers.get("X-SSL-Client-S-DN-CN", "")
        tenant = Tenant.objects.filter(client_cn=cn).first()
        if tenant is None:
            raise NotFound("unknown client")
        return tenant


# drf-spectacular cannot guess a serializer for a function view: it documents no body.
@api_view(["GET"])
@permission_classes([AllowAny])
def health(request):
    """Load-balancer check."""
    return Response({"status": "ok"})
