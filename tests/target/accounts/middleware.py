"""Who is calling: read from the headers nginx forwards after mutual TLS.

nginx (see tests/target/nginx.conf.in) sets
    X-SSL-Client-Verify:  $ssl_client_verify   (SUCCESS, NONE or FAILED:reason)
    X-SSL-Client-S-DN:    the client certificate's subject DN
    X-SSL-Client-S-DN-CN: the CN of that subject (the strict listener only)
which Django sees as HTTP_X_SSL_CLIENT_VERIFY, HTTP_X_SSL_CLIENT_S_DN and
HTTP_X_SSL_CLIENT_S_DN_CN.

MISTAKE (imitated on purpose): `verified` is recorded and logged, and nothing ever enforces
it. The tenant is looked up from the CN header, else from the DN, so behind a proxy that does
not set the CN header itself (the lax listener) any client can name any tenant.
"""
import logging

from .models import Tenant

logger = logging.getLogger(__name__)


def cn_from_dn(dn):
    """The CN of an RFC 2253 DN as nginx writes it (`O=Acme Logistics,CN=partner-a`)."""
    for part in dn.split(","):
        key, _, value = part.strip().partition("=")
        if key == "CN":
            return value.strip()
    return ""


class ClientCertificateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # MISTAKE (imitated on purpose): the CN header wins over the DN, "for proxies that set
        # it"; a proxy that does not set it passes the client's own.
        cn = request.META.get("HTTP_X_SSL_CLIENT_S_DN_CN", "").strip() or cn_from_dn(
            request.META.get("HTTP_X_SSL_CLIENT_S_DN", "")
        )
        verify = request.META.get("HTTP_X_SSL_CLIENT_VERIFY", "")
        request.client_cn = cn
        request.client_verified = verify == "SUCCESS"
        request.tenant = Tenant.objects.select_related("service_user").filter(client_cn=cn).first() if cn else None
        if cn and not request.client_verified:
            # Logged, never refused.
            logger.info("client CN %r with certificate verification %r", cn, verify or "absent")
        return self.get_response(request)
