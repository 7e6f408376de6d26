"""Settings of the partner portal: the overshare reference target.

A B2B API for partner companies ("tenants"). Every partner calls it with a client
certificate; nginx terminates mutual TLS and forwards who the caller is in headers
(see accounts.middleware). The code is modelled on mistakes real Django REST framework
projects make: do not copy it.

Environment:
  OVERSHARE_TARGET_DB   path of the SQLite database (each test run uses a fresh one)
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "overshare-reference-target-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "drf_spectacular",
    "accounts",
    "billing",
    "catalogue",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "accounts.middleware.ClientCertificateMiddleware",
]

ROOT_URLCONF = "partnerportal.urls"
WSGI_APPLICATION = "partnerportal.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("OVERSHARE_TARGET_DB", str(BASE_DIR / "build" / "db.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Real Django hashing (pbkdf2_sha256), so a leaked hash is a real one. Fewer rounds than
# Django's default only to keep seeding fast; see partnerportal/hashers.py.
PASSWORD_HASHERS = [
    "partnerportal.hashers.SeedSpeedPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# nginx terminates TLS; tell Django the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ClientCertificateAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Partner portal API",
    "DESCRIPTION": "B2B API for partner companies, behind mutual TLS.",
    "VERSION": "1.4.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "accounts": {"handlers": ["console"], "level": "INFO"},
    },
}
