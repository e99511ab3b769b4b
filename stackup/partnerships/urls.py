from django.urls import include, path

app_name = "partnerships"

urlpatterns = [
    path("", include("stackup.partnerships.urls_manage")),
    path("", include("stackup.partnerships.urls_invitations")),
]
