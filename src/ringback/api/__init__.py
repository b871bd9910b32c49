"""The HTTP edges: the Bandwidth-compatible REST API (`/api/v2`) and its errors and auth.

Importing this package loads nothing: `ringback.api.validation` stays pure (no Starlette), the
routes live in `ringback.api.rest`.
"""
