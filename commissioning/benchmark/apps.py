from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """No models: an app only so Django finds `manage.py benchmark`."""

    name = "commissioning.benchmark"
    label = "benchmark"
    verbose_name = "Benchmark"
