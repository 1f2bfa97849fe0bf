"""aries_async.sim."""
