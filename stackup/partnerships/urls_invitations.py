"""Invitation pages, under /partnerships/<slug>/rounds/<round_id>/invitations/."""

from django.urls import path

from stackup.partnerships import views_invitations as views

_ROUND = "<slug:slug>/rounds/<int:round_id>/invitations/"

urlpatterns = [
    path(_ROUND, views.invitations, name="invitations"),
    path(_ROUND + "make/", views.invitations_create, name="invitations_create"),
    path(_ROUND + "remind/", views.invitations_remind, name="invitations_remind"),
    path(_ROUND + "batches/<int:batch_id>/", views.invitation_batch, name="invitation_batch"),
    path(
        _ROUND + "batches/<int:batch_id>/carry-on/",
        views.invitation_batch_carry_on,
        name="invitation_batch_carry_on",
    ),
]
