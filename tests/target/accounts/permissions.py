from rest_framework.permissions import BasePermission


class CertificateDataPermission(BasePermission):
    """The correct pattern: the certificate must have been verified by the TLS edge, and the
    object must belong to the tenant that certificate names."""

    message = "Your client certificate does not give access to this object."

    def has_permission(self, request, view):
        return bool(
            request.user
            and request.user.is_authenticated
            and getattr(request._request, "client_verified", False)
            and getattr(request._request, "tenant", None) is not None
        )

    def has_object_permission(self, request, view, obj):
        tenant = request._request.tenant
        return obj.tenant_id == tenant.id and tenant.client_cn == request._request.client_cn
