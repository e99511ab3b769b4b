from django.urls import path

from stackup.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("<slug:slug>/", views.framework_latest, name="latest"),
    path("<slug:slug>/<int:version>/", views.framework_detail, name="detail"),
]
