from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _light_touch_threshold_on(day):
    from commissioning.projects.models import ProcurementThreshold
    from contracts.procurement import threshold_on

    threshold = threshold_on(ProcurementThreshold.as_rules(), day)
    return threshold.amount if threshold is not None else None


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

        from contracts.services import threshold_source_set

        # A change below the threshold is checked against the thresholds kept here.
        threshold_source_set(_light_touch_threshold_on)

        from commissioning.projects.search_index import register_kinds

        register_kinds()

        from commissioning.core import register_cache

        # Its tables are the register's: writing to them renews the figures kept.
        register_cache.watch(self)
