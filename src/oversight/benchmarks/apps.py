from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "oversight.benchmarks"
    verbose_name = "Benchmarking"
