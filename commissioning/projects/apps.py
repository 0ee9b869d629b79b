from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    from commissioning.core.roles import roles_sync

    roles_sync()


class CommissioningConfig(AppConfig):
    name = "commissioning.projects"
    # The label of the app before it moved into commissioning/projects/: its
    # tables, migrations and permissions keep their names.
    label = "commissioning"
    verbose_name = "Commissioning"

    def ready(self) -> None:
        # Groups and their permissions are set up data, kept in step with the
        # code after every migrate rather than by hand.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="commissioning.roles_sync")

        from commissioning.core.panels import register_contract_section
        from commissioning.projects.contract_facts import contract_procurement_facts

        # The contract page shows the procurement rules for the contract.
        register_contract_section("procurement_facts", contract_procurement_facts)

        from commissioning.projects.search_index import register_kinds

        register_kinds()

        from commissioning.core import register_cache

        # Its tables are the register's: writing to them renews the figures kept.
        register_cache.watch(self)
