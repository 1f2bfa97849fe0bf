"""Print pip constraints pinning every direct dependency to the lowest version pyproject allows.

``.ci/run`` installs with these constraints for its second test run, so a lower bound that no
longer works fails CI instead of a user's install. Only ``>=`` bounds are pinned; transitive
dependencies resolve as usual (pip's counterpart of ``--resolution lowest-direct``).

Usage: ``python .ci/lowest_constraints.py [EXTRA...] > constraints.txt``.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_BOUND = re.compile(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)")


def lowest(extras: list[str]) -> list[str]:
    """``name==version`` for each ``>=`` bound of the dependencies and the named extras."""
    pyproject = Path(__file__).parent.parent / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text())["project"]
    specs = list(project["dependencies"])
    for extra in extras:
        specs += project["optional-dependencies"][extra]
    pins = {}
    for spec in specs:
        match = _BOUND.match(spec)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


if __name__ == "__main__":
    print("\n".join(lowest(sys.argv[1:])))
