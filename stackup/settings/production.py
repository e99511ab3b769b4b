"""Production: no insecure defaults. Refuses to start without its secrets."""

from stackup.settings import env
from stackup.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.required("SECRET_KEY")
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "The environment variable ALLOWED_HOSTS must list the host names this site answers to."
    )
CSRF_TRUSTED_ORIGINS = env.listing("CSRF_TRUSTED_ORIGINS")

# HTTPS everywhere. Behind a proxy that ends TLS, set SECURE_PROXY_SSL_HEADER=true
# and make sure the proxy sets X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", True)
if env.boolean("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Joining browsers' preload list is hard to undo and covers every subdomain
    # of the organisation's domain: a choice for the operator, off by default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
