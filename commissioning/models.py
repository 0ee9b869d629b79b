"""Commissioning projects and gateways arrive with issue 4."""
