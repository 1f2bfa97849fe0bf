"""The user profile: ``GET /v1/users/me`` (snake_case wire names; rest.md §1)."""

from __future__ import annotations

from datetime import datetime

import attrs

__all__ = ["AccountApplication", "User"]


@attrs.frozen(kw_only=True)
class AccountApplication:
    """The user's brokerage-account application, as nested in :class:`User`.

    Attributes:
        id: application id.
        status: application status, e.g. ``"CREATED"`` (kept as a string: its values are not
            documented).
        can_submit: whether the application is complete enough to submit.
        missing_fields: names of fields still to fill in.
        plaid_link_token: token for the Plaid link flow (may be ``""``).
    """

    __wire_case__ = "snake"

    id: int | None = None
    status: str | None = None
    can_submit: bool | None = None
    missing_fields: list[str] = attrs.Factory(list)
    plaid_link_token: str | None = None


@attrs.frozen(kw_only=True)
class User:
    """The signed-in user (``GET /v1/users/me``).

    Example:
        >>> from aries_async.models import structure
        >>> structure({"id": 123, "email": "a@b.c"}, User).email
        'a@b.c'
    """

    __wire_case__ = "snake"

    id: int | None = None
    email: str | None = None
    email_verified: bool | None = None
    country: str | None = None
    avatar_url: str | None = None
    primary_phone_number: str | None = None
    plaid_status: str | None = None
    account_application: AccountApplication | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
