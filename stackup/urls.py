from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from stackup.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include("stackup.core.urls")),
    path("account/", include("stackup.accounts.urls")),
    path("frameworks/", include("stackup.frameworks.urls")),
    path("partnerships/", include("stackup.partnerships.urls")),
    path("partnerships/", include("stackup.results.urls")),
    path("partnerships/", include("stackup.actions.urls")),
    path("partnerships/", include("stackup.actions.urls_workshop")),
    path("you-said-we-did/", include("stackup.actions.urls_public")),
    # The respondent journey: /i/<token>/ and /r/... (one namespace, so mounted once).
    path("", include("stackup.responding.urls")),
    prefix_default_language=False,
)
