"""The action plan, benefits and risks, under /partnerships/<slug>/ in the ``actions`` namespace."""

from django.urls import path

from stackup.actions import views

app_name = "actions"

urlpatterns = [
    path("<slug:slug>/actions/", views.action_list, name="action_list"),
    path("<slug:slug>/actions/add/", views.action_add, name="action_add"),
    path("<slug:slug>/actions/print/", views.action_print, name="action_print"),
    path(
        "<slug:slug>/actions/action-plan.csv",
        views.action_export,
        {"fmt": "csv"},
        name="action_export_csv",
    ),
    path(
        "<slug:slug>/actions/action-plan.ods",
        views.action_export,
        {"fmt": "ods"},
        name="action_export_ods",
    ),
    path("<slug:slug>/actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("<slug:slug>/actions/<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path(
        "<slug:slug>/actions/<int:action_id>/notes/add/",
        views.action_note_add,
        name="action_note_add",
    ),
    path("<slug:slug>/actions/<int:action_id>/delete/", views.action_delete, name="action_delete"),
    path("<slug:slug>/benefits/", views.benefit_list, name="benefit_list"),
    path("<slug:slug>/benefits/<slug:benefit_id>/", views.benefit_edit, name="benefit_edit"),
    path("<slug:slug>/risks/", views.risk_list, name="risk_list"),
    path("<slug:slug>/risks/add/", views.risk_add, name="risk_add"),
    path("<slug:slug>/risks/<int:risk_id>/edit/", views.risk_edit, name="risk_edit"),
    path("<slug:slug>/risks/<int:risk_id>/close/", views.risk_close, name="risk_close"),
    path("<slug:slug>/public-page/", views.public_page_settings, name="public_page_settings"),
]
