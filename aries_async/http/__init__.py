"""aries_async.http."""
