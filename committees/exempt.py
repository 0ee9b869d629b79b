"""Exempt information: Part 1 of Schedule 12A to the Local Government Act 1972.

An agenda item, a report or one of a report's files (an appendix) can be
marked exempt under one of the schedule's seven paragraphs, with the reason
the public interest in keeping it exempt outweighs that in disclosing it
(para 10 of the schedule). Only the committee's clerks read exempt text on the
site; everyone else, and every public print, sees the notice of it instead.
Clerks print it apart, marked confidential: a meeting's confidential print.
Pure: no Django.
"""

# The descriptions of Part 1, shortened as agendas print them.
PARAGRAPHS = {
    "1": "Information relating to any individual",
    "2": "Information which is likely to reveal the identity of an individual",
    "3": "Information relating to the financial or business affairs of any particular person "
    "(including the authority holding that information)",
    "4": "Information relating to consultations or negotiations on a labour relations matter",
    "5": "Information in respect of which a claim to legal professional privilege could be maintained",
    "6": "Information which reveals that the authority proposes to give a notice imposing requirements, "
    "or to make an order or direction, under an enactment",
    "7": "Information relating to action in connection with the prevention, investigation or prosecution of crime",
}
PARAGRAPH_CHOICES = [(number, f"{number}: {text}") for number, text in PARAGRAPHS.items()]

NO_PARAGRAPH = "Choose the paragraph of Schedule 12A that makes it exempt (1 to 7)."
NO_REASON = "Say why the public interest in keeping it exempt outweighs the public interest in disclosing it."


def exemption_errors(*, is_exempt: bool, paragraph: str, reason: str) -> dict[str, str]:
    """What is missing or wrong in a mark of exempt information, by field name."""
    errors = {}
    if paragraph and paragraph not in PARAGRAPHS:
        errors["exempt_paragraph"] = NO_PARAGRAPH
    if is_exempt:
        if not paragraph:
            errors["exempt_paragraph"] = NO_PARAGRAPH
        if not reason.strip():
            errors["exempt_reason"] = NO_REASON
    return errors


def notice(paragraph: str) -> str:
    """What is shown in place of exempt text."""
    return f"Exempt information: paragraph {paragraph} of Schedule 12A to the Local Government Act 1972"
