"""Commissioning projects: the pipeline, gateways, waivers and the re-procurement of contracts."""
