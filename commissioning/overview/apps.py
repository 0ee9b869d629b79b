from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """Pages over every app; no models of its own (calendar feeds and reminders
    sent are stored by commissioning.projects)."""

    name = "commissioning.overview"
    label = "overview"
    verbose_name = "Overview"
