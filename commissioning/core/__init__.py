"""The site's infrastructure: access rules and roles, "as of" dates, web helpers.

It imports no domain app (contracts, committees, commissioning projects, the
overview); every layer above may use it. import-linter enforces this.
"""
