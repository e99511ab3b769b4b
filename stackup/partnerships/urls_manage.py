"""The coordinator's pages, under /partnerships/ in the ``partnerships`` namespace."""

from django.urls import path

from stackup.partnerships import views, views_setup

urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("new/", views_setup.partnership_new, name="new"),
    path("<slug:slug>/set-up/", views_setup.partnership_set_up, name="set_up"),
    path("<slug:slug>/", views.partnership_detail, name="detail"),
    path("<slug:slug>/organisations/", views.organisation_list, name="organisations"),
    path("<slug:slug>/organisations/add/", views.organisation_add, name="organisation_add"),
    path(
        "<slug:slug>/organisations/<int:organisation_id>/change/",
        views_setup.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "<slug:slug>/organisations/<int:organisation_id>/remove/",
        views_setup.organisation_remove,
        name="organisation_remove",
    ),
    path(
        "<slug:slug>/organisations/<int:organisation_id>/archive/",
        views_setup.organisation_archive,
        name="organisation_archive",
    ),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people/add/", views.person_add, name="person_add"),
    path("<slug:slug>/people/added/", views.person_added, name="person_added"),
    path("<slug:slug>/people/<int:membership_id>/role/", views.person_role, name="person_role"),
    path(
        "<slug:slug>/people/<int:membership_id>/remove/",
        views.person_remove,
        name="person_remove",
    ),
    path("<slug:slug>/rounds/new/", views.round_create, name="round_create"),
    path("<slug:slug>/rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("<slug:slug>/rounds/<int:round_id>/settings/", views.round_edit, name="round_edit"),
    path(
        "<slug:slug>/rounds/<int:round_id>/delete/", views_setup.round_delete, name="round_delete"
    ),
    path(
        "<slug:slug>/rounds/<int:round_id>/status/<slug:status>/",
        views.round_status,
        name="round_status",
    ),
    path(
        "<slug:slug>/rounds/<int:round_id>/response-rates/",
        views.response_rates,
        name="response_rates",
    ),
    path("<slug:slug>/audit-log/", views.audit_log, name="audit_log"),
]
