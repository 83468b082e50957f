"""The fastest page this machine can serve under the same gunicorn settings: a fixed page from a
bare Flask app. The benchmark reports every real page as a share of this."""

from flask import Flask

app = Flask(__name__)
PAGE = "<!doctype html><title>ceiling</title>" + "<p>fixed page</p>" * 100


@app.get("/")
def fixed_page():
    return PAGE


@app.get("/healthz")
def healthz():
    return "ok"
