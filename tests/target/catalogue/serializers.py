from rest_framework import serializers

from .models import Plan


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["public_id", "name", "price", "is_staff_pick", "password_policy", "token_count", "checksum"]
