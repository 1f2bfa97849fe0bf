"""aries_async.auth."""
