"""The results report, under /partnerships/<slug>/ in the ``results`` namespace."""

from django.urls import include, path

from stackup.results import views

app_name = "results"

ROUND = "<slug:slug>/rounds/<int:round_id>/results/"

urlpatterns = [
    path("<slug:slug>/results/", views.index, name="index"),
    path(ROUND, views.overview, name="overview"),
    path(ROUND + "themes/<slug:theme_id>/", views.theme, name="theme"),
    path(ROUND + "perspectives/", views.perspectives, name="perspectives"),
    path(ROUND + "agreement/", views.agreement, name="agreement"),
    path(ROUND + "balance/", views.balance, name="balance"),
    path(ROUND + "benefits-and-barriers/", views.benefits_barriers, name="benefits_barriers"),
    path(ROUND + "change/", views.change, name="change"),
    path(ROUND + "comments/", views.comments, name="comments"),
    path(ROUND + "methodology/", views.methodology, name="methodology"),
    # Downloads: JSON, PDF, ODS and CSV (stackup/results/urls_exports.py).
    path("", include("stackup.results.urls_exports")),
]
