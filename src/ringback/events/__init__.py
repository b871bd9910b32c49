"""Webhook events: one typed model per event, their wire forms, JSON Schema and AsyncAPI."""
