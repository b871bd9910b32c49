"""The HTTP edges: the Bandwidth-compatible REST API (`/api/v2`) and the control API (`/_ringback`).

Importing this package loads nothing; `ringback.api.app.create_app` builds the ASGI app.
"""
