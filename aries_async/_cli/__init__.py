"""The command implementations behind :mod:`aries_async.cli` (private: the CLI is the interface).

``common`` holds what every command shares (exit codes, output, the client); ``doctor``,
``stream`` and ``order`` hold one command each, with their parts beside them
(``doctor_checks`` and ``doctor_network``; ``stream_view``, ``stream_account`` and
``stream_refusals``; ``order_args``, ``order_flow`` (the confirmation and outcome reports
``place``, ``replace`` and ``cancel`` share), ``order_replace`` and ``order_wait``);
``account`` holds ``positions`` and ``balances``, ``market`` ``bars`` and ``search``;
``token_file`` the ``--token-file`` option every command that signs in takes.
"""

__all__: list[str] = []
