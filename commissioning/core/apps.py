from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site's infrastructure. Its one table remembers the create forms already saved."""

    name = "commissioning.core"
    label = "core"
    verbose_name = "Site"

    def ready(self) -> None:
        from commissioning.core import register_cache

        register_cache.install()
        # The search index is read as the register is: rebuilding it renews what is kept.
        register_cache.watch(self)
