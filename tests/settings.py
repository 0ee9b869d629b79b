"""Settings for the test suite: the site's settings with test-only defaults."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from commissioning.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files go to a folder of this process's own, removed when it ends: the
# parallel test workers (pytest-xdist) never write into one another's files.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="commissioning-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client asks over plain HTTP; tests of the HTTPS settings ask with secure=True.
SECURE_SSL_REDIRECT = False

# Jobs run at once, in the test's own process and transaction, whatever the
# environment says; tests/test_jobs_queue.py runs them through a real queue.
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_RESULT_BACKEND = None
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "progress"},
    "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figures"},
    "register": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "register"},
}
# A test's writes are rolled back, never committed, so the register's state
# token would not change between a write and the next read in the same test:
# figures are worked out afresh unless a test keeps them on purpose
# (tests/conftest.py keeps them for tests whose writes commit).
REGISTER_CACHE_SECONDS = 0
