"""Fill the figures kept for SQL, for every span of days, from each contract's
facts, with the same pure functions the services use (contracts.figures)."""

from django.conf import settings
from django.db import migrations


def fill_figures(apps, schema_editor):
    from contracts.figures import ContractFacts, figure_spans
    from contracts.terms import Decision, parse_term

    Contract = apps.get_model("contracts", "Contract")
    ContractFigures = apps.get_model("contracts", "ContractFigures")
    ContractYearValue = apps.get_model("contracts", "ContractYearValue")
    for contract in Contract.objects.prefetch_related("options").iterator(chunk_size=500):
        options = sorted(contract.options.all(), key=lambda option: option.order)
        facts = ContractFacts(
            start=contract.start_date,
            parts=(parse_term(contract.term)[0], *(option.months for option in options)),
            decisions=tuple(Decision(option.status, option.decided_on) for option in options),
            annual_value=contract.annual_value,
            uplift_percent=contract.annual_uplift_percent,
        )
        for span in figure_spans(facts, notice_months=settings.OPTION_NOTICE_MONTHS):
            row = ContractFigures.objects.create(
                contract=contract,
                valid_from=span.valid_from,
                valid_to=span.valid_to,
                current_end_date=span.current_end,
                final_end_date=span.final_end,
                next_option=span.next_option,
                next_decision_deadline=span.next_decision_deadline,
                options_exercised=span.options_exercised,
                committed_value=span.committed_value,
                whole_life_value=span.whole_life_value,
            )
            ContractYearValue.objects.bulk_create(
                ContractYearValue(figures=row, financial_year=year, amount=amount) for year, amount in span.year_values
            )


class Migration(migrations.Migration):
    dependencies = [("contracts", "0006_figures_by_day")]

    operations = [migrations.RunPython(fill_figures, migrations.RunPython.noop)]
