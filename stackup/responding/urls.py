"""The respondent journey's addresses, under /i/ (invitations) and /r/ (the open link).

Both live in one module with one namespace, ``responding``, mounted once at the root of the
language-prefixed patterns (a namespace cannot be mounted twice).
"""

from django.urls import path

from stackup.responding import views

app_name = "responding"

urlpatterns = [
    # A personal invitation: /i/<token>/ carries on where the person stopped.
    path("i/<str:token>/", views.invitation, name="invitation"),
    path("i/<str:token>/theme/<slug:theme>/", views.invitation_theme, name="invitation_theme"),
    path("i/<str:token>/<slug:step>/", views.invitation_step, name="invitation_step"),
    # The open link: type a code, start, and come back with your own resume link.
    path("r/", views.code_entry, name="code"),
    path("r/sent/", views.sent, name="sent"),
    path("r/resume/<str:token>/", views.resume, name="resume"),
    path("r/resume/<str:token>/theme/<slug:theme>/", views.resume_theme, name="resume_theme"),
    path("r/resume/<str:token>/<slug:step>/", views.resume_step, name="resume_step"),
    path("r/<str:code>/", views.open_link, name="open"),
]

# Signed-in staff: keying in paper and phone responses, and importing a file of them.
urlpatterns += [
    path(
        "partnerships/<slug:slug>/rounds/<int:round_id>/assisted/",
        views.assisted_entry,
        name="assisted",
    ),
    path("partnerships/<slug:slug>/import/", views.import_responses, name="import"),
]
