"""Webhook delivery: the pure policy (retries, fallbacks, auth) and the aiohttp sender."""
