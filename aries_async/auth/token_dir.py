"""The token file and its directory: who else may use them (POSIX permission bits).

A token file that the group or others may read is made private when it is read
(:func:`make_private`).

A directory that the group or others may write to lets them replace or plant the token file
(a token of theirs, so that the program trades on their account, or a file that breaks it);
one they may only read or search lets them see its names and times, not the token (the file
itself is 0600). :class:`~aries_async.auth.filestore.FileTokenStore` and ``aries-async
doctor`` both report such a directory; neither changes its mode, since the user may have made
it (or shared it) on purpose, and a tightened directory does not undo a file already replaced.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

import attrs

__all__ = ["DirectoryExposure", "directory_exposure", "make_private"]

log = logging.getLogger("aries_async.auth")


@attrs.frozen
class DirectoryExposure:
    """What a directory lets the group or others do.

    Attributes:
        directory: the directory.
        mode: its permission bits (with the sticky, setuid and setgid bits).
        writable: the group or others may create, rename or delete its entries (even with the
            sticky bit they may plant a name that is not there yet).
    """

    directory: Path
    mode: int
    writable: bool

    @property
    def who(self) -> str:
        """What the group or others may do, in words."""
        if self.writable:
            return "other users can replace or plant files in it (the token among them)"
        return "other users can list it"

    @property
    def fix(self) -> str:
        """The command that makes it private."""
        return f"chmod 700 {self.directory}"

    def describe(self) -> str:
        """A sentence naming the directory, its mode and what that allows."""
        return f"the token directory {self.directory} has mode {self.mode:04o}: {self.who}"


def directory_exposure(directory: Path) -> DirectoryExposure | None:
    """None when only its owner may use ``directory`` (or on Windows, where mode bits mean
    little); otherwise what it lets the group or others do.

    Raises:
        OSError: it cannot be examined (``FileNotFoundError``: there is none).
    """
    if sys.platform == "win32":  # the inherited access control list applies, not mode bits
        return None
    mode = stat.S_IMODE(os.stat(directory).st_mode)
    if not mode & 0o077:
        return None
    return DirectoryExposure(directory, mode, writable=bool(mode & 0o022))


def make_private(fd: int, path: Path) -> None:
    """Take group and other permissions off the open token file ``fd`` (at ``path``, for the
    warning that says so; POSIX only). One that cannot be changed (not the user's) is read as
    it is, with a warning."""
    if sys.platform == "win32":  # Windows: the directory's inherited access list applies
        return
    mode = stat.S_IMODE(os.fstat(fd).st_mode)
    if mode & 0o077:
        try:
            os.fchmod(fd, mode & 0o700)
        except OSError as exc:  # not our file: say so, and go on reading it
            log.warning(
                "the token file %s can be read by other users (mode %o) and cannot be made "
                "private: %s",
                path,
                mode,
                exc.strerror or exc,
            )
            return
        log.warning(
            "the token file %s could be read by other users (mode %o); made it private (%o)",
            path,
            mode,
            mode & 0o700,
        )
