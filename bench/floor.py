"""The least a signed-in page of this app can cost: the app itself with one more page that only
greets the signed-in person. It pays what every real page pays before its own work (the session
cookie, the sign-in row with its user, the security headers) and nothing else, so the benchmark
can tell the app's fixed cost per request from what each page adds."""

from flask_login import current_user, login_required

from selfcare import create_app

app = create_app()


@app.get("/floor")
@login_required
def signed_in_floor():
    return f"Hello, {current_user.name}."
