"""``client.users``: the signed-in user."""

from __future__ import annotations

from aries_async.models.users import User
from aries_async.resources._base import Resource

__all__ = ["Users"]


class Users(Resource):
    """User profile calls."""

    async def me(self) -> User:
        """``GET /v1/users/me``: the signed-in user's profile."""
        return await self._get_as("/v1/users/me", User, "user")
