"""The simulator's OAuth routes (oauth.md): the authorization page, its decision, the token."""

from __future__ import annotations

import base64
import html
from typing import Any
from urllib.parse import urlencode

import orjson
from aiohttp import web

from aries_async.sim.auth import OAuthError
from aries_async.sim.context import SimContext
from aries_async.sim.responses import context_of, hold_answer, json_response, request_id

__all__ = ["TOKEN_PATH", "add_routes", "quoted_grant", "token_fields"]


def _redirect(uri: str, params: dict[str, str]) -> web.Response:
    separator = "&" if "?" in uri else "?"
    location = uri + separator + urlencode(params)
    return web.Response(status=302, headers={"Location": location})


def _authorize_params(params: Any, ctx: SimContext) -> tuple[dict[str, str], web.Response | None]:
    """Validate an authorization request; returns (params, error response or None)."""
    values = {
        k: str(params.get(k, ""))
        for k in (
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
        )
    }
    client = ctx.auth.client_for(values["client_id"])
    if client is None:
        return values, json_response(
            {"error": "invalid_client", "error_description": "unknown client_id"}, 400
        )
    if values["redirect_uri"] not in client.redirect_uris:
        return values, json_response(
            {
                "error": "invalid_request",
                "error_description": "redirect_uri is not registered for this client",
            },
            400,
        )

    def fail(error: str, description: str) -> web.Response:
        return _refuse(ctx, values, error, description)

    if values["response_type"] != "code":
        return values, fail("unsupported_response_type", "response_type must be code")
    if "authorization_code" in ctx.faults.refused_grants:
        return values, fail(
            "unauthorized_client", "this client may not use the authorization_code grant"
        )
    if not values["state"]:
        return values, fail("invalid_request", "state is required")
    try:
        ctx.auth.parse_scopes(values["scope"], required=True)
    except OAuthError as exc:
        return values, fail(exc.error, exc.description)
    method = values["code_challenge_method"]
    if values["code_challenge"] and method not in ("", "S256", "plain"):
        return values, fail("invalid_request", "code_challenge_method must be S256 or plain")
    if method and not values["code_challenge"]:
        return values, fail(
            "invalid_request", "code_challenge is required with code_challenge_method"
        )
    return values, None


def _refuse(ctx: SimContext, values: dict[str, str], error: str, description: str) -> web.Response:
    """Redirect back with ``error``, and the request's ``state`` unless the faults leave it out."""
    params = {"error": error, "error_description": description}
    if values["state"] and not ctx.faults.error_redirects_without_state:
        params["state"] = values["state"]
    return _redirect(values["redirect_uri"], params)


def _approve(ctx: SimContext, values: dict[str, str]) -> web.Response:
    if ctx.faults.deny_authorization:
        return _refuse(ctx, values, "access_denied", "the user denied access")
    scopes = ctx.auth.parse_scopes(values["scope"], required=True)
    code = ctx.auth.issue_code(
        client_id=values["client_id"],
        redirect_uri=values["redirect_uri"],
        scopes=scopes,
        code_challenge=values["code_challenge"] or None,
        code_challenge_method=values["code_challenge_method"] or None,
    )
    return _redirect(values["redirect_uri"], {"code": code, "state": values["state"]})


_CONSENT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Aries Simulator - authorize</title></head>
<body style="font-family: sans-serif; max-width: 34em; margin: 3em auto">
<h1>Authorize {client_name}</h1>
<p>{client_name} asks for access to your simulated Aries accounts:</p>
<ul>{scope_items}</ul>
<form method="post" action="/oauth2/authorize">
{hidden}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
<p><small>Local simulator: no real account or money is involved.</small></p>
</body></html>
"""


async def _authorize_page(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    values, error = _authorize_params(request.query, ctx)
    if error is not None:
        return error
    if ctx.settings.auto_approve:
        return _approve(ctx, values)
    hidden = "\n".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v, quote=True)}">'
        for k, v in values.items()
        if v
    )
    items = "".join(f"<li>{html.escape(s)}</li>" for s in values["scope"].split())
    page = _CONSENT_PAGE.format(
        client_name=html.escape(ctx.auth.client.name), scope_items=items, hidden=hidden
    )
    return web.Response(text=page, content_type="text/html")


async def _authorize_decision(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    form = await request.post()
    values, error = _authorize_params(form, ctx)
    if error is not None:
        return error
    if form.get("decision") != "approve":
        return _refuse(ctx, values, "access_denied", "the user denied access")
    return _approve(ctx, values)


TOKEN_PATH = "/v1/oauth2/token"  # noqa: S105 - a path, not a secret


async def token_fields(request: web.Request) -> dict[str, str]:
    """The fields of a token request, a JSON object or a form; none when the faults'
    ``token_encodings`` leave its encoding out (a server that does not read it).

    Raises:
        ValueError: the body is neither.
    """
    is_json = request.content_type == "application/json"
    if ("json" if is_json else "form") not in context_of(request).faults.token_encodings:
        return {}
    if is_json:
        data = orjson.loads(await request.read())
        if not isinstance(data, dict):
            raise ValueError("body must be an object")
        return {str(k): str(v) for k, v in data.items() if v is not None}
    form = await request.post()
    return {k: str(v) for k, v in form.items()}


def quoted_grant(fields: dict[str, str], cut: int | None = None) -> str:
    """What ``token_error_echo`` adds to a message: the secrets of the form the request carried
    (the grant's code or refresh token, the client secret), each cut to its first ``cut``
    characters and ``...`` when ``cut`` is given (``token_error_echo_cut``)."""
    quoted = [
        f"{name}={fields[name] if cut is None else fields[name][:cut] + '...'}"
        for name in ("code", "refresh_token", "client_secret")
        if name in fields
    ]
    return "".join(f" ({text})" for text in quoted)


async def _token(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    ctx.token_requests += 1
    if ctx.faults.stall_token_requests > 0:
        ctx.faults.stall_token_requests -= 1
        await hold_answer(request)  # the grant never read
    hold = ctx.faults.hold_token_requests
    if hold is not None:
        await hold.wait()
    garbage = ctx.faults.token_response_body
    if garbage is not None:
        try:
            orjson.loads(garbage)
        except orjson.JSONDecodeError:
            return web.Response(body=garbage, content_type="text/html")
        return web.Response(body=garbage, content_type="application/json")
    try:
        fields = await token_fields(request)
    except ValueError:
        return _refusal(request, OAuthError("invalid_request", "malformed body"), {}, {})
    basic = request.headers.get("Authorization", "")
    if basic.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
        except ValueError:
            user, password = "", ""
        fields.setdefault("client_id", user)
        fields.setdefault("client_secret", password)
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    grant = fields.get("grant_type")
    if (grant == "code" and "authorization_code" in ctx.faults.refused_grants) or (
        grant in ctx.faults.refused_grants
    ):
        refused = OAuthError("unauthorized_client", f"this client may not use the {grant} grant")
        return _refusal(request, refused, fields, headers)
    try:
        body = ctx.auth.token_request(
            fields, refresh_without_secret=ctx.faults.refresh_without_secret
        )
    except OAuthError as exc:
        return _refusal(request, exc, fields, headers)
    granted = ctx.faults.after_token_grant
    if granted is not None:
        await granted()
    for name in ctx.faults.token_response_omit:
        body.pop(name, None)
    if ctx.faults.token_response_edit is not None:
        ctx.faults.token_response_edit(body)
    if ctx.faults.late_token_answers > 0:
        # Granted already: a client that stops waiting has lost its only copy of the grant.
        await hold_answer(request, ctx.faults.late_token_answers)
    return json_response(body, 200, headers)


def _refusal(
    request: web.Request, exc: OAuthError, fields: dict[str, str], headers: dict[str, str]
) -> web.Response:
    """The token endpoint's refusal in the ``token_error_shape`` and ``token_error_echo`` asked."""
    faults = context_of(request).faults
    description = exc.description
    if faults.token_error_echo:
        description += quoted_grant(fields, faults.token_error_echo_cut)
    shape = faults.token_error_shape
    if shape == "empty":
        return web.Response(status=exc.status, headers=headers)
    if shape == "rfc":
        body = {"error": exc.error, "error_description": description}
        return json_response(body, exc.status, headers)
    envelope: dict[str, Any] = {
        "type": "AUTHENTICATION" if exc.status == 401 else "BAD_REQUEST",
        "code": exc.error.upper(),
        "message": description,
        "details": {},
        "request_id": request_id(request),
    }
    if shape == "nested_no_code":
        del envelope["code"]
    return json_response({"error": envelope, "meta": {}}, exc.status, headers)


def add_routes(router: web.UrlDispatcher) -> None:
    """Serve the OAuth routes on ``router``."""
    router.add_get("/oauth2/authorize", _authorize_page)
    router.add_post("/oauth2/authorize", _authorize_decision)
    router.add_post(TOKEN_PATH, _token)
