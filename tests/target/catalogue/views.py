from rest_framework import viewsets

from .models import Plan
from .serializers import PlanSerializer


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """The clean catalogue: explicit fields, public data only."""

    serializer_class = PlanSerializer
    queryset = Plan.objects.all()
    lookup_field = "public_id"
