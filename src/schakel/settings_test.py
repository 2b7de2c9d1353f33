"""Settings for the test suite: production settings, made fast and self-contained.

DEBUG stays off (as Django forces in tests anyway), two factors stay required, so tests see
what production does.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from schakel.settings import *  # noqa: F403
from schakel.settings import STORAGES

# Hashing strength is not under test; speed is.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# Seals of the access log go to a file of this test run; the table may be flushed.
SCHAKEL_AUDIT_SEAL_FILE = Path(tempfile.mkdtemp(prefix="schakel-seals-")) / "seals.jsonl"
SCHAKEL_AUDIT_TRUNCATE_GUARD = False
# Attachments of this test run.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="schakel-media-"))

# Jobs run at once, inside the test, when their transaction commits.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
