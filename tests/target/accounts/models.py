from django.conf import settings
from django.db import models


class Tenant(models.Model):
    """A partner company. Its API client authenticates with a certificate whose CN is `client_cn`."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    client_cn = models.CharField(max_length=64, unique=True)
    webhook_url = models.URLField()
    webhook_secret = models.CharField(max_length=64)
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_for"
    )

    def __str__(self):
        return self.name


class UserProfile(models.Model):
    ROLES = [("member", "Member"), ("manager", "Manager"), ("admin", "Admin"), ("service", "Service")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="profiles")
    display_name = models.CharField(max_length=100)
    job_title = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=16, choices=ROLES, default="member")
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    home_address = models.CharField(max_length=200, blank=True)
    salary = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.display_name


class UserActivity(models.Model):
    """Security log: one row per sign-in to the partner web console."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    ip_address = models.GenericIPAddressField()
    user_agent = models.CharField(max_length=300)
    session_key = models.CharField(max_length=40)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]


class SupportTicket(models.Model):
    """A support request a partner filed with the portal's help desk."""

    STATUSES = [("open", "Open"), ("closed", "Closed")]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="tickets")
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=STATUSES, default="open")
    contact_email = models.EmailField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.subject
