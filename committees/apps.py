from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "Committees and decisions"

    def ready(self) -> None:
        from commissioning.core.panels import register_contract_section
        from committees.authority import contract_decisions

        # The contract page lists the decisions that act on the contract.
        register_contract_section(
            "decisions", lambda *, contract, figures, today: contract_decisions(contract=contract, today=today)
        )
