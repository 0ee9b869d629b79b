"""The register's CSV columns, shared by the importer, the export command and the list's downloads.

The rows themselves are written by `contracts.publishing`.
"""

IMPORT_COLUMNS = [
    "reference",
    "title",
    "provider",
    "service_area",
    "contract_type",
    "legislation",
    "route",
    "lead_commissioner",
    "funding",
    "start_date",
    "term",
    "options_exercised",
    "annual_value",
    "approved_value",
]
# Computed for the day of the export; an import works them out again.
COMPUTED_COLUMNS = [
    "initial_end_date",
    "current_end_date",
    "final_end_date",
    "next_decision_deadline",
    "status",
    "initial_term_value",
    "committed_value",
    "whole_life_value",
    "approved_variance",
]
EXPORT_COLUMNS = (
    IMPORT_COLUMNS
    + COMPUTED_COLUMNS
    + [
        # What a council's published register holds too. Supplier columns follow the
        # order of `provider`, several joined with "; " (blank where one is not known).
        "end_date",
        "review_date",
        "directorate",
        "procurement_classification",
        "description",
        "companies_house_number",
        "charity_number",
        "sme",
        "vcse",
    ]
)
