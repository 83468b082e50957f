"""The maintainers' docs name what the code registers."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _section(path: str, heading: str) -> str:
    text = (ROOT / path).read_text(encoding="utf-8")
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    return text[start : following if following != -1 else None]


def test_every_registered_blueprint_is_in_the_code_map_and_the_architecture(app):
    registered = set(app.blueprints)
    code_map_row = next(
        line
        for line in _section("README.md", "## Code map").splitlines()
        if line.startswith("| `selfcare/<noun>/`")
    )
    in_code_map = set(re.findall(r"`(\w+)`", code_map_row))
    architecture = _section("docs/architecture.md", "## Blueprints, one noun each")
    in_architecture = set(re.findall(r"^\| `(\w+)` \|", architecture, re.MULTILINE))
    assert registered <= in_code_map, registered - in_code_map
    assert in_architecture == registered, in_architecture ^ registered
