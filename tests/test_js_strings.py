"""The scripts' sentences (selfcare/js_strings.py): every page carries them, in the reader's
language, as data the Content-Security-Policy allows, and every one a script asks for exists."""

import json
import re

import pytest

from selfcare import PROJECT_ROOT
from selfcare.js_strings import js_strings

SCRIPTS = sorted((PROJECT_ROOT / "static" / "js").glob("*.js"))
# say("key", ...), and say(condition ? "key" : "other_key", ...)
SAID = re.compile(r'say\(\s*"(\w+)"')
EITHER = re.compile(r'\?\s*"(\w+)"\s*:\s*"(\w+)"')
LITERAL = re.compile(r'"(\w+)"')
COMMENT = re.compile(r"^\s*//.*$", re.M)
BLOCK = re.compile(r'<script type="application/json" id="js-strings">(.*?)</script>', re.S)


@pytest.fixture
def app_settings(pseudo_catalogue):
    return {"BABEL_TRANSLATION_DIRECTORIES": f"translations;{pseudo_catalogue}"}


def test_every_sentence_a_script_says_is_there(app):
    with app.test_request_context():
        known = set(js_strings())
    code = "\n".join(COMMENT.sub("", script.read_text()) for script in SCRIPTS)
    said = set(SAID.findall(code))
    for pair in EITHER.findall(code):
        if known & set(pair):
            said |= set(pair)
    assert said and said <= known, said - known
    # ...and no sentence is kept that no script says.
    assert known <= set(LITERAL.findall(code)), known - set(LITERAL.findall(code))


@pytest.mark.parametrize("path", ["/login", "/offline/today"])
def test_pages_carry_the_sentences_as_data(client, path):
    page = client.get(path)
    sentences = json.loads(BLOCK.search(page.text).group(1))
    assert sentences["logout_send"] == "Send them now"
    assert sentences["queue_waiting"] == {
        "one": "%(count)s entry waiting to send.",
        "other": "%(count)s entries waiting to send.",
    }
    # A data block, which no browser runs: the policy's "script-src 'self'" stays as it is.
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_a_sentence_can_not_end_the_block(app):
    with app.test_request_context():
        from flask import render_template_string

        block = render_template_string(
            "{{ {'text': '</script><script>alert(1)</script>'}|tojson }}"
        )
    assert "</script>" not in block and "<" not in block


def test_the_sentences_are_in_the_readers_language(pseudo_app):
    browser = pseudo_app.test_client()
    page = browser.get("/offline/today", headers={"Accept-Language": "en-150"}).text
    assert '<html lang="en-150">' in page
    sentences = json.loads(BLOCK.search(page).group(1))
    for key, text in sentences.items():
        for form in text.values() if isinstance(text, dict) else [text]:
            assert form.startswith("[") and form.endswith("]"), key
    # The placeholders are left for the script to fill in.
    assert "%(routine)s" in sentences["offline_done_today"]
    assert set(sentences["logout_waiting"]) == {"one", "other"}
