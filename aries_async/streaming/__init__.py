"""aries_async.streaming."""
