"""Fast, isolated settings for the test suite; the database still comes from DATABASE_URL."""

import os
import tempfile

os.environ.setdefault("FIRESIDE_DATA_DIR", tempfile.mkdtemp(prefix="fireside-test-"))
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 30)

from fireside.settings import *  # noqa: F403
from fireside.settings import STATIC_ROOT, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                     "QUEUES": ["default"]}}
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
RATE_LIMITS_ENABLED = False
FIRESIDE_VIEW_FLUSH_SECONDS = 0.0
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
