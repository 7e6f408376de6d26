from django.contrib.auth.models import User
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Tenant, UserProfile
from .permissions import CertificateDataPermission
from .serializers import (
    MemberSerializer,
    SecureUserProfileSerializer,
    TenantSerializer,
    UserProfileSerializer,
    UserSerializer,
)


class ProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """GET /api/profiles/ and /api/profiles/{id}/: scoped to the caller's tenant, but the
    serializer returns everything (fields='__all__', depth=1)."""

    serializer_class = UserProfileSerializer

    def get_queryset(self):
        return UserProfile.objects.filter(tenant=self.request.tenant).select_related("user", "tenant")


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """GET /api/users/ and /api/users/{id}/: nests every sign-in of each user."""

    serializer_class = UserSerializer

    def get_queryset(self):
        return User.objects.filter(profile__tenant=self.request.tenant).prefetch_related("activities").order_by("id")


class SecureProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """The correct pattern: explicit serializer fields, certificate-bound object permission."""

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


class MemberViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Partners manage their console users. The serializer lets them set `is_staff` and sends
    the password hash back."""

    serializer_class = MemberSerializer

    def get_queryset(self):
        return User.objects.filter(profile__tenant=self.request.tenant, profile__role="member").order_by("id")


class DirectoryView(APIView):
    """MISTAKE: `.values()` of the whole User model straight into the response (the password
    hash included). drf-spectacular cannot see a serializer here and documents no body."""

    def get(self, request):
        users = User.objects.filter(profile__tenant=request.tenant).order_by("id")
        return Response(list(users.values()))


class TenantView(generics.RetrieveAPIView):
    """GET /api/tenant/: the caller's own partner settings.

    MISTAKE: "mTLS already authenticated the caller at the edge", so the view is AllowAny and
    identifies the tenant by the CN header itself. The strict listener always sets that header;
    the lax one passes on whatever the client sent."""

    serializer_class = TenantSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_object(self):
        cn = self.request.headers.get("X-SSL-Client-S-DN-CN", "")
        tenant = Tenant.objects.filter(client_cn=cn).first()
        if tenant is None:
            raise NotFound("unknown client")
        return tenant


@api_view(["GET"])
@permission_classes([AllowAny])
def health(request):
    """Load-balancer check. drf-spectacular documents no body for it."""
    return Response({"status": "ok"})
