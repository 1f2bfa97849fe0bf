"""The token file and its directory: who else may use them (POSIX permission bits).

A token file that the group or others may read is made private when it is read
(:func:`make_private`). A save killed between writing its temporary file and renaming it over
the token file leaves that temporary (0600, holding a token): the next save removes those of
its own naming, once old enough that no save can still be writing them
(:func:`remove_stale_temporaries`).

A directory that the group or others may write to lets them replace or plant the token file
(a token of theirs, so that the program trades on their account, or a file that breaks it);
one they may only read or search lets them see its names and times, not the token (the file
itself is 0600). :class:`~aries_async.auth.filestore.FileTokenStore` and ``aries-async
doctor`` both report such a directory; neither changes its mode, since the user may have made
it (or shared it) on purpose, and a tightened directory does not undo a file already replaced.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import sys
from pathlib import Path

import attrs

from aries_async.errors import ConfigurationError

__all__ = [
    "APP_DIR",
    "STALE_TEMPORARY_AGE",
    "TOKEN_FILE",
    "DirectoryExposure",
    "default_token_path",
    "directory_exposure",
    "make_private",
    "remove_stale_temporaries",
    "temporary_prefix",
    "token_file_path",
]

APP_DIR = "aries-async"
TOKEN_FILE = "token.json"  # noqa: S105 - a file name


def default_token_path() -> Path:
    """``$XDG_CONFIG_HOME/aries-async/token.json`` or ``~/.config/aries-async/token.json``
    (a relative ``XDG_CONFIG_HOME`` is ignored, as the XDG spec says)."""
    base = os.environ.get("XDG_CONFIG_HOME")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / APP_DIR / TOKEN_FILE


def token_file_path(path: object, setting: str) -> Path:
    """``path`` (a ``str`` or ``os.PathLike``) as the token file's path, a leading ``~`` or
    ``~user`` expanded to that home directory (``--token-file=~/t.json``, a variable's value:
    no shell expanded it), when it names a file: the store reads and replaces that file, and
    writes a lock file beside it.

    Raises:
        ConfigurationError: naming ``setting`` and the path, when it is no path, is empty,
            holds a NUL, ends with a separator or in ``.`` or ``..``, names an existing
            directory, or starts with the ``~user`` of no known user.
    """
    text = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    why = None
    if not isinstance(text, str):
        why = "a str or os.PathLike"
    elif not text or "\0" in text or text.endswith(("/", os.sep)):
        why = "a file's path (not empty, no NUL, no separator at its end)"
    else:
        try:
            # An unknown ~user would otherwise fail with a RuntimeError at the first save.
            file = Path(text).expanduser()
        except RuntimeError:
            why = "a file's path whose ~user is a known user"
        else:
            if file.name in ("", ".", "..") or file.is_dir():
                why = "a file's path, not a directory's"
    if why is not None:
        raise ConfigurationError(f"{setting} must be {why}, got {path!r:.200}", setting=setting)
    return file


STALE_TEMPORARY_AGE = 15 * 60.0
"""Seconds after its last write that a temporary is taken as left by a killed save: a save
writes a few hundred bytes and renames them within a second; the margin covers slow disks and
clocks of network file systems."""

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


def temporary_prefix(name: str) -> str:
    """How the temporaries of the token file ``name`` begin (``.token.json.``): hidden, and
    named after their file, so that each store knows its own."""
    return f".{name}."


def remove_stale_temporaries(
    directory: Path, name: str, *, now: float, older_than: float = STALE_TEMPORARY_AGE
) -> list[Path]:
    """Delete the temporaries of the token file ``name`` that a killed save left in
    ``directory``: regular files of the user's, named ``.<name>.<random>.tmp``, last written
    more than ``older_than`` seconds before ``now`` (Unix time). Symbolic links, directories
    and every other name are left alone; nothing is followed. Never raises: a file that cannot
    be examined or removed stays (the save goes on).

    Returns:
        the files removed.
    """
    own = re.compile(re.escape(temporary_prefix(name)) + r"[A-Za-z0-9_]+\.tmp")
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    removed: list[Path] = []
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not own.fullmatch(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if (
                    not stat.S_ISREG(info.st_mode)
                    or (uid is not None and info.st_uid != uid)
                    or info.st_mtime > now - older_than
                ):
                    continue
                os.unlink(entry.path)  # removes the name only: a link is never followed
            except OSError:
                continue
            removed.append(Path(entry.path))
            log.info("removed %s, left by a save that was interrupted", entry.path)
    return removed
