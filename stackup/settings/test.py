"""The test suite's settings: fast hashing, plain static files, mail kept in memory."""

from stackup.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
STACKUP_BASE_URL = "http://127.0.0.1:8000"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# --- Background work: tasks run inline, and retries do not wait --------------
# (tests/partnerships/test_emailing.py also runs the real database backend and worker.)
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STACKUP_EMAIL_RETRY_SECONDS = 0
