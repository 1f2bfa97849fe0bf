"""``client.users``: the signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aries_async._lazy import load
from aries_async.resources._base import Resource

if TYPE_CHECKING:
    from aries_async.models.users import User

__all__ = ["Users"]


class Users(Resource):
    """User profile calls."""

    async def me(self) -> User:
        """``GET /v1/users/me``: the signed-in user's profile."""
        models = await load("aries_async.models.users")
        user: User = await self._get_as("/v1/users/me", models.User, "user", operation="users.me")
        return user
