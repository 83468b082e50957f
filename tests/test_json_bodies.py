"""Request bodies in JSON, read in one place (selfcare/json_bodies.py): what is refused and why.
That every JSON endpoint and form refuses them is in test_fuzz.py and test_crawl.py."""

import pytest

from selfcare.json_bodies import MAX_DEPTH, BodyRefused, loads

from .helpers import HOSTILE_BODIES, JSON


def nested(depth: int) -> str:
    return '{"a":' * (depth - 1) + "[]" + "}" * (depth - 1)


def test_documents_as_deep_as_allowed_are_read():
    assert loads(nested(MAX_DEPTH).encode())
    assert loads(b'{"pain": {"neck": 4}, "note": "caf\\u00e9 \\ud83d\\ude00", "value": 1e308}')


# JSON as such: the view refuses the unknown key, and the size limit the megabyte.
READ_AS_JSON = {"a key of 500,000 characters", "more than 1 MB"}
REFUSED = [
    name
    for name, (content_type, _) in HOSTILE_BODIES.items()
    if content_type == JSON and name not in READ_AS_JSON
]


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_bodies_are_refused_with_a_reason(name):
    with pytest.raises(BodyRefused) as refusal:
        loads(HOSTILE_BODIES[name][1])
    assert str(refusal.value).endswith(".")
