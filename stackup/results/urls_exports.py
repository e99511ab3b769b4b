"""Downloads of the results report, included by :mod:`stackup.results.urls` (``results``)."""

from django.urls import path

from stackup.results import views_exports as views

DOWNLOAD = "<slug:slug>/rounds/<int:round_id>/results/download/"

urlpatterns = [
    path(DOWNLOAD + "results.json", views.download_json, name="download_json"),
    path(DOWNLOAD + "report.pdf", views.download_pdf, name="download_pdf"),
    path(DOWNLOAD + "results.ods", views.download_ods, name="download_ods"),
    path(DOWNLOAD + "results-csv.zip", views.download_zip, name="download_zip"),
    path(DOWNLOAD + "<slug:table>.csv", views.download_csv, name="download_csv"),
]
