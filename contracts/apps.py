from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contract register"

    def ready(self) -> None:
        from contracts.search_index import register_kinds

        register_kinds()

        from commissioning.core import register_cache

        # Its tables are the register's: writing to them renews the figures kept.
        register_cache.watch(self)
