"""Settings for the test suite: the real settings, with test-only secrets and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_RESET_BY_EMAIL = True  # e-mails stay in memory (django.core.mail.outbox)
TEXT_MESSAGE_BACKEND = "referrals.patient_link.messaging.LocmemTextBackend"  # messages stay in memory
SITE_URL = "https://pathways.test"
# Each test sees the figures of its own data; the overview's cache has its own tests (tests/test_overview.py).
OVERVIEW_CACHE_SECONDS = 0
