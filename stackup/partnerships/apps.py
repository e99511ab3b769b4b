from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "stackup.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships"
