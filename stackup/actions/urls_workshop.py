"""The workshop pages of a round, under /partnerships/<slug>/rounds/<id>/workshop/."""

from django.urls import path

from stackup.actions import views_workshop as views

app_name = "workshop"

urlpatterns = [
    path("<slug:slug>/rounds/<int:round_id>/workshop/", views.workshop, name="workshop"),
    path(
        "<slug:slug>/rounds/<int:round_id>/workshop/<int:number>/",
        views.workshop_starter,
        name="starter",
    ),
    path(
        "<slug:slug>/rounds/<int:round_id>/workshop/handout/",
        views.workshop_handout,
        name="handout",
    ),
]
