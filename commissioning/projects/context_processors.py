"""What the project templates say about the gateway rules, from the one place they are set."""

from commissioning.projects.gateways import DUE_SOON_DAYS


def gateway_rules(request) -> dict:
    return {"GATEWAY_DUE_SOON_DAYS": DUE_SOON_DAYS}
