"""Every URL of the settings is checked when they are built: a clear ``ConfigurationError``
that names the setting, never a ``ValueError`` from deep inside the first request."""

from __future__ import annotations

import re

import pytest

from aries_async import AriesClient, ClientConfig, Endpoints, Token
from aries_async.errors import AriesError, ConfigurationError

URL_VARIABLES = (
    "ARIES_AUTHORIZE_URL",
    "ARIES_TOKEN_URL",
    "ARIES_MARKET_WS_URL",
    "ARIES_ACCOUNTS_WS_URL",
    "ARIES_CHARTS_WS_URL",
)


def test_configuration_error_is_an_aries_error() -> None:
    assert issubclass(ConfigurationError, AriesError)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("api.aries.example", "has no scheme"),
        ("127.0.0.1:8089", "has no scheme"),
        ("localhost:8089", "has no scheme"),
        ("ftp://api.aries.example", "has the scheme 'ftp', not http or https"),
        ("wss://api.aries.example", "has the scheme 'wss', not http or https"),
        ("http://", "has no host"),
        ("https://:443/v1", "has no host"),
        ("http://127.0.0.1:port", "port"),
        ("http://[::1/v1", "not a well-formed URL"),
        ("http://api.aries.example /v1", "space"),
        # the one rule of what is sent: no character that does not print as itself
        ("http://api.aries.example/v1\x7f", "control character"),
        ("http://api.aries\u200b.example/v1", "control character"),
    ],
)
def test_a_bad_base_url_names_the_setting_and_the_problem(value: str, words: str) -> None:
    with pytest.raises(
        ConfigurationError, match=f"^base_url={re.escape(repr(value))}.*{words}"
    ) as info:
        ClientConfig.for_base_url(value)
    assert info.value.setting == "base_url"
    with pytest.raises(
        ConfigurationError, match=f"^ARIES_BASE_URL={re.escape(repr(value))}.*{words}"
    ) as info:
        ClientConfig.from_env({"ARIES_BASE_URL": value})
    assert info.value.setting == "ARIES_BASE_URL"
    assert "\n" not in str(info.value)


def test_a_url_without_a_scheme_suggests_one() -> None:
    with pytest.raises(
        ConfigurationError, match=re.escape("write it as https://api.aries.example")
    ):
        ClientConfig.for_base_url("api.aries.example")


@pytest.mark.parametrize("variable", URL_VARIABLES)
def test_each_url_variable_is_checked_and_named(variable: str) -> None:
    websocket = variable.endswith("_WS_URL")
    wrong = "https://h.example/x" if websocket else "wss://h.example/x"
    expected = "ws or wss" if websocket else "http or https"
    with pytest.raises(ConfigurationError, match=f"^{variable}=.*, not {expected}") as info:
        ClientConfig.from_env({"ARIES_BASE_URL": "http://127.0.0.1:8089", variable: wrong})
    assert info.value.setting == variable
    with pytest.raises(ConfigurationError, match=f"^{variable}=.*has no scheme"):
        ClientConfig.from_env({variable: "h.example/x"})


@pytest.mark.parametrize(
    "field", ["base_url", "authorize_url", "token_url", "market_ws_url", "charts_ws_url"]
)
def test_endpoints_check_each_argument(field: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^{field}='h.example'.*has no scheme") as info:
        Endpoints(**{field: "h.example"})
    assert info.value.setting == field


def test_the_plain_schemes_of_a_local_server_stay_accepted() -> None:
    config = ClientConfig.for_base_url("http://127.0.0.1:8089/")
    assert config.endpoints.market_ws_url == "ws://127.0.0.1:8089/v1/market/ws"
    secure = ClientConfig.from_env({"ARIES_BASE_URL": "HTTPS://api.aries.example"})
    assert secure.endpoints.charts_ws_url.endswith("://api.aries.example/v1/charts/ws")
    assert Endpoints(market_ws_url="WSS://[::1]:9/v1/market/ws").base_url == Endpoints().base_url


def test_a_client_is_never_built_on_a_bad_url() -> None:
    with pytest.raises(ConfigurationError, match="ARIES_BASE_URL"):
        AriesClient(
            ClientConfig.from_env({"ARIES_BASE_URL": "127.0.0.1:8089"}),
            token=Token(access_token="x"),
        )


@pytest.mark.parametrize(
    "value",
    [
        "bot:s3cret@api.aries.example",
        "ftp://bot:s3cret@api.aries.example",
        "http://bot:s3cret@api.aries.example:port",
        "https://bot:s3cret@api.aries.example /v1",
    ],
)
def test_a_password_in_a_bad_url_is_not_repeated_in_the_error(value: str) -> None:
    """The error quotes the URL to show what is wrong with it, and may be logged: a password
    written into the URL is masked there."""
    for build in (
        lambda: ClientConfig.for_base_url(value),
        lambda: ClientConfig.from_env({"ARIES_BASE_URL": value}),
        lambda: Endpoints(market_ws_url=value.replace("http", "ws")),
    ):
        with pytest.raises(ConfigurationError) as info:
            build()
        assert "s3cret" not in str(info.value)
        assert "bot:***@api.aries.example" in str(info.value)


@pytest.mark.parametrize(
    "value",
    [
        "https://bot:s3cret@api.aries.example",
        "https://bot@api.aries.example/v1",
        "http://:s3cret@127.0.0.1:8089",
    ],
)
def test_a_url_with_credentials_is_refused(value: str) -> None:
    """aiohttp and websockets send a URL's ``user:password@`` as basic auth beside the bearer
    token: credentials there would go to every request's server. They are refused, masked."""
    for build in (
        lambda: ClientConfig.for_base_url(value),
        lambda: ClientConfig.from_env({"ARIES_BASE_URL": value}),
        lambda: Endpoints(token_url=value),
        lambda: Endpoints(accounts_ws_url=value.replace("http", "ws", 1)),
    ):
        with pytest.raises(ConfigurationError, match="user name or password") as info:
            build()
        assert "s3cret" not in str(info.value)


PASSWORD = "Hs8+Jd3/Lk5Wq9@Zr7Tn4Bx"
"""A generated password holding ``/`` and ``@``, which cut a URL short where it is parsed."""


@pytest.mark.parametrize(
    "value",
    [
        f"https://bot:{PASSWORD}@api.aries.example",
        f"https://:{PASSWORD}@api.aries.example/v1",
        f"https://bot:2024/{PASSWORD}@api.aries.example",  # reads as host "bot", port 2024
        f"bot:{PASSWORD}@api.aries.example",
    ],
)
def test_a_password_with_a_slash_or_an_at_sign_is_refused_and_never_shown(value: str) -> None:
    """Such a URL is refused (it has credentials, whatever a parser makes of it), and no
    piece of the password is in the error, which the command line prints and bots log."""
    for build in (
        lambda: ClientConfig.for_base_url(value),
        lambda: ClientConfig.from_env({"ARIES_BASE_URL": value}),
        lambda: Endpoints(token_url=value),
        lambda: Endpoints(charts_ws_url=value.replace("http", "ws", 1)),
    ):
        with pytest.raises(ConfigurationError) as info:
            build()
        for piece in PASSWORD.replace("@", "/").split("/"):
            assert piece not in str(info.value), str(info.value)


@pytest.mark.parametrize(
    "value",
    [
        "https://gw.aries.example/?api_key=k3y-s3cret",
        "https://gw.aries.example/v1?api_key=k3y-s3cret",
        "https://gw.aries.example/v1#k3y-s3cret",
    ],
)
def test_a_url_with_a_query_or_fragment_is_refused_without_showing_it(value: str) -> None:
    """The client appends paths to the base URL and builds its own queries: a query or a
    fragment in an endpoint URL never worked, and may hold a key, so the error masks it."""
    for build in (
        lambda: ClientConfig.for_base_url(value),
        lambda: ClientConfig.from_env({"ARIES_BASE_URL": value}),
        lambda: Endpoints(token_url=value),
        lambda: Endpoints(market_ws_url=value.replace("https", "wss", 1)),
    ):
        with pytest.raises(ConfigurationError, match="query or a fragment") as info:
            build()
        assert "k3y-s3cret" not in str(info.value)
        assert "gw.aries.example" in str(info.value)
