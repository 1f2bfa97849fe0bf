"""aries_async.resources."""
