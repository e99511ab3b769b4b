from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "stackup.results"
    label = "results"
    verbose_name = "Results"
