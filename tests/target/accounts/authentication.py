from rest_framework.authentication import BaseAuthentication


class ClientCertificateAuthentication(BaseAuthentication):
    """A request is its tenant's service user, as named by the client certificate's CN.

    MISTAKE (imitated on purpose): trusts `request.tenant` from the middleware and never looks
    at `request.client_verified`.
    """

    def authenticate(self, request):
        tenant = getattr(request._request, "tenant", None)
        if tenant is None:
            return None
        return (tenant.service_user, None)
