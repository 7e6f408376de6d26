from django.contrib.auth.models import User
from rest_framework import serializers

from .models import SupportTicket, Tenant, UserActivity, UserProfile


# MISTAKE (imitated on purpose): every model field, and `depth = 1` nests the whole related
# User (password hash, is_staff, is_superuser, last_login, groups, user_permissions) and the
# whole Tenant (webhook secret). The profile's own personal fields go out too.
class UserProfileSerializer(serializers.ModelSerializer):

    class Meta:
        model = UserProfile
        fields = "__all__"
        depth = 1


class UserActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = UserActivity
        fields = "__all__"


# MISTAKE (imitated on purpose): the reverse relation `activities` (IP addresses, user agents,
# session keys of every sign-in) is nested into a user list that partners can read.
class UserSerializer(serializers.ModelSerializer):

    activities = UserActivitySerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "activities"]


# The correct pattern: explicit fields, nothing nested that was not chosen.
class SecureUserProfileSerializer(serializers.ModelSerializer):

    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = UserProfile
        fields = ["id", "username", "display_name", "job_title"]
        read_only_fields = fields


# MISTAKES (imitated on purpose): `is_staff` is writable (a partner can make its user a Django
# staff member: mass assignment of a privileged field), and `password` is not `write_only`, so
# the stored hash comes back in every response.
class MemberSerializer(serializers.ModelSerializer):
    """A console user of the partner."""

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "password", "is_staff"]

    def create(self, validated_data):
        password = validated_data.pop("password")
        user = User(**validated_data)
        user.set_password(password)
        user.save()
        UserProfile.objects.create(
            user=user, tenant=self.context["request"].tenant, display_name=user.get_full_name() or user.username
        )
        return user

    def update(self, instance, validated_data):
        password = validated_data.pop("password", None)
        instance = super().update(instance, validated_data)
        if password:
            instance.set_password(password)
            instance.save(update_fields=["password"])
        return instance


# MISTAKE (imitated on purpose): the webhook signing secret is in the fields list.
class TenantSerializer(serializers.ModelSerializer):

    class Meta:
        model = Tenant
        fields = ["id", "name", "slug", "client_cn", "webhook_url", "webhook_secret"]


# Explicit fields, nothing undeclared: the mistake is in the view (SupportTicketViewSet).
class SupportTicketSerializer(serializers.ModelSerializer):

    class Meta:
        model = SupportTicket
        fields = ["id", "tenant", "subject", "status", "contact_email", "created_at"]
