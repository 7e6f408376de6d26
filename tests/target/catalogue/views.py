from rest_framework import viewsets

from .models import Plan
from .serializers import PlanSerializer


# The clean catalogue: explicit fields, public data only (the names only look sensitive).
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Price plans."""

    serializer_class = PlanSerializer
    queryset = Plan.objects.all()
    lookup_field = "public_id"
