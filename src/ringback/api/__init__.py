"""The HTTP edges: the Bandwidth-compatible REST API (`/api/v2`), the control API (`/_ringback`),
their errors and auth.

Importing this package loads nothing: `ringback.api.validation` stays pure (no Starlette), the
routes live in `ringback.api.rest` and `ringback.api.control`, the app in `ringback.api.app`.
"""
