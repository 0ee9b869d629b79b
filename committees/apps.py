from django.apps import AppConfig
from django.urls import reverse


def option_pages(*, contract, figures, today) -> dict[int, dict[str, str]]:
    """The pages deciding each option of `contract`, by option number."""
    return {
        order: {
            decision: reverse(f"committees:option_{decision}", args=[contract.pk, order])
            for decision in ("exercise", "decline")
        }
        for order in range(1, len(figures.schedule.periods))
    }


def uplift_pages(*, contract, figures, today) -> dict[int, str]:
    """The page of each fee uplift that changed `contract`, by the uplift's id (the
    contract page's changes link to them: an uplift is decided here)."""
    from contracts.models import ContractChange

    uplift_ids = ContractChange.objects.filter(contract=contract, uplift__isnull=False).values_list(
        "uplift_id", flat=True
    )
    return {pk: reverse("committees:fee_uplift_detail", args=[pk]) for pk in uplift_ids}


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "Committees and decisions"

    def ready(self) -> None:
        from commissioning.core import register_cache
        from commissioning.core.panels import register_contract_section
        from committees.authority import contract_decisions
        from committees.selectors import monitoring_considered

        # The contract page lists the decisions that act on the contract (read over
        # the whole chain of decisions: kept until the register changes), and its
        # options are decided here, with the decision that authorised them.
        register_contract_section(
            "decisions",
            lambda *, contract, figures, today: register_cache.remember(
                "contract-decisions",
                lambda: contract_decisions(contract=contract, today=today),
                today=today,
                question=[contract.pk],
            ),
        )
        register_contract_section("option_pages", option_pages)
        register_contract_section("uplift_pages", uplift_pages)
        # Each monitoring visit or report on the contract page names the committee reports that considered it.
        register_contract_section(
            "monitoring_considered", lambda *, contract, figures, today: monitoring_considered(contract=contract)
        )

        from committees.search_index import register_kinds

        register_kinds()

        # Its tables are the register's: writing to them renews the figures kept.
        register_cache.watch(self)
