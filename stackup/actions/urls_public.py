"""Public pages of a partnership, for everyone: /you-said-we-did/<slug>/."""

from django.urls import path

from stackup.actions import views_public

app_name = "public"

urlpatterns = [
    path("<slug:slug>/", views_public.you_said_we_did, name="you_said_we_did"),
]
