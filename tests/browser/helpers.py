"""What the browser tests share."""

PHONE = {"width": 390, "height": 844}


def register(page, base: str, name: str, email: str, role_label: str) -> None:
    page.goto(f"{base}/register")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_label(role_label).check()
    page.get_by_role("button", name="Create account").click()
