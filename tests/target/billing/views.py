from rest_framework import viewsets
from rest_framework.response import Response

from .models import Invoice
from .serializers import InvoiceSerializer


# MISTAKE (imitated on purpose): the list is scoped to the caller's tenant, the retrieve is not:
# any partner reads any invoice by id (`get_object` uses `queryset` as it is).
class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    """The partner's invoices."""

    serializer_class = InvoiceSerializer
    queryset = Invoice.objects.all()

    def list(self, request, *args, **kwargs):
        invoices = self.get_queryset().filter(tenant=request.tenant)
        return Response(self.get_serializer(invoices, many=True).data)
