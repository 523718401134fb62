"""The REST API at /api/: a thin shell over the ledger and collections services.

Each request authenticates with a bearer token that acts for one user in one
organization; every query is scoped to that organization (see `owed.api.auth`).
"""
