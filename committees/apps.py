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


def change_pages(*, contract, figures, today) -> dict:
    """For the contract page's changes: where to record one, where to withdraw each
    that has not taken effect (a fee uplift's is reversed with the uplift), and the
    decision that authorised each, by change id, and the page of each fee uplift (three queries)."""
    from committees.models import ContractLink
    from committees.services import decision_date
    from contracts.models import ContractChange

    links = ContractLink.objects.filter(contract=contract, change__isnull=False).select_related(
        "resolution_part__item__meeting__committee", "officer_decision"
    )
    pending = ContractChange.objects.filter(contract=contract, effective_on__gt=today, uplift__isnull=True)
    uplift_ids = ContractChange.objects.filter(contract=contract, uplift__isnull=False).values_list(
        "uplift_id", flat=True
    )
    return {
        "record": reverse("committees:change_create", args=[contract.pk]),
        "withdraw": {
            pk: reverse("committees:change_withdraw", args=[pk]) for pk in pending.values_list("pk", flat=True)
        },
        # The page of each fee uplift that changed the contract, by the uplift's id.
        "uplift": {pk: reverse("committees:fee_uplift_detail", args=[pk]) for pk in uplift_ids},
        # The decisions taken by the page's day, as the decisions section lists them.
        "authority": {link.change_id: link for link in links if decision_date(link.decision) <= today},
    }


def call_ins(*, contract, figures, today) -> list[dict]:
    """For the contract page: the call-ins of decisions acting on it, pending first,
    each with what it means for acting on the contract (one query)."""
    from commissioning.core.formatting import format_day
    from committees.call_in import part_label, pending_message
    from committees.selectors import contract_call_ins

    rows = []
    for call_in in contract_call_ins(contract=contract, today=today):
        resolved = bool(call_in.outcome) and call_in.outcome_on <= today
        if not resolved:
            message = pending_message(call_in)
        else:
            message = (
                f"{part_label(call_in.resolution_part)} was called in on {format_day(call_in.requested_on)} by "
                f"{call_in.requested_by}: {call_in.get_outcome_display().lower()} ({format_day(call_in.outcome_on)})."
            )
        rows.append(
            {
                "pending": not resolved,
                "blocks": not resolved or call_in.outcome != call_in.Outcome.NO_FURTHER_ACTION,
                "message": message,
                "url": call_in.get_absolute_url(),
            }
        )
    return rows


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
        # A called-in decision acting on the contract: it cannot be acted on until resolved.
        register_contract_section("call_ins", call_ins)
        # Each change to the contract with the decision that authorised it, recorded and withdrawn here.
        register_contract_section("change_pages", change_pages)
        # Each monitoring visit or report on the contract page names the committee reports that considered it.
        register_contract_section(
            "monitoring_considered", lambda *, contract, figures, today: monitoring_considered(contract=contract)
        )

        # Interests members declared against the provider, on the provider page (issue 13, "attend").
        from commissioning.core.panels import register_provider_section
        from committees.attendance_selectors import declarations_of_provider

        register_provider_section(
            "declarations", lambda *, provider, today: declarations_of_provider(provider=provider)
        )
        # Key decisions on the contract taken without a valid forward plan notice (issue 13, item 1).
        from committees.selectors import contract_key_decisions_without_notice

        register_contract_section(
            "key_decisions_without_notice",
            lambda *, contract, figures, today: register_cache.remember(
                "contract-key-notices",
                lambda: contract_key_decisions_without_notice(contract=contract, today=today),
                today=today,
                question=[contract.pk],
            ),
        )

        from committees.search_index import register_kinds

        register_kinds()

        # Its tables are the register's: writing to them renews the figures kept.
        register_cache.watch(self)
