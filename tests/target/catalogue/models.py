import uuid

from django.db import models


class Plan(models.Model):
    """A public price plan. Its field names look sensitive; none of them is."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=50)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    is_staff_pick = models.BooleanField(default=False)
    # The password rules the plan enforces on the partner's console users, as text.
    password_policy = models.CharField(max_length=120)
    # How many API tokens the plan includes.
    token_count = models.PositiveIntegerField()
    # SHA-256 of the plan's terms document, so partners can check what they signed.
    checksum = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
