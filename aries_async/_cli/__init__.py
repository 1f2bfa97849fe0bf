"""The command implementations behind :mod:`aries_async.cli` (private: the CLI is the interface).

``common`` holds what every command shares (exit codes, output, the client); ``doctor``,
``stream`` and ``order`` hold one command each.
"""

__all__: list[str] = []
