"""Who is calling: read from the headers nginx forwards after mutual TLS.

nginx (see tests/target/nginx.conf.in) sets
    X-SSL-Client-Verify:  $ssl_client_verify   (SUCCESS, NONE or FAILED:reason)
    X-SSL-Client-S-DN-CN: the CN of the client certificate's subject
which Django sees as HTTP_X_SSL_CLIENT_VERIFY and HTTP_X_SSL_CLIENT_S_DN_CN.

MISTAKE (imitated on purpose): `verified` is recorded and logged, and nothing ever enforces
it. The tenant is looked up from the CN header alone, so behind a proxy that does not set the
header itself (the lax listener) any client can name any tenant.
"""
import logging

from .models import Tenant

logger = logging.getLogger(__name__)


class ClientCertificateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cn = request.META.get("HTTP_X_SSL_CLIENT_S_DN_CN", "").strip()
        verify = request.META.get("HTTP_X_SSL_CLIENT_VERIFY", "")
        request.client_cn = cn
        request.client_verified = verify == "SUCCESS"
        request.tenant = Tenant.objects.select_related("service_user").filter(client_cn=cn).first() if cn else None
        if cn and not request.client_verified:
            # Logged, never refused.
            logger.info("client CN %r with certificate verification %r", cn, verify or "absent")
        return self.get_response(request)
