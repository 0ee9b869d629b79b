import re

from playwright.sync_api import expect

LOGIN_URL = re.compile(r"/accounts/login/")
# "New password", not "New password confirmation" (a required field's label ends in "*").
NEW_PASSWORD_LABEL = re.compile(r"^\W*New password\W*$")


def test_it_signs_in_through_the_login_page(page, login, screenshot, django_user_model):
    page.goto("/accounts/login/")
    expect(page).to_have_title(re.compile("Sign in"))
    screenshot(page, "login")

    login("nobody", "not-the-password")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    screenshot(page, "login-wrong-password")

    django_user_model.objects.create_user(username="alex", password="a-long-passphrase")
    login("alex", "a-long-passphrase")
    expect(page).not_to_have_url(LOGIN_URL)


def officer_named_alex(django_user_model):
    from django.contrib.auth.models import Group

    from commissioning.core.roles import OFFICERS

    user = django_user_model.objects.create_user(
        username="alex", password="a-long-passphrase", email="alex@council.example", first_name="Alex", last_name="Khan"
    )
    user.groups.add(Group.objects.get(name=OFFICERS))
    return user


def blocked_by_the_policy(page):
    """Console messages of anything the Content-Security-Policy refused, gathered as the page is used."""
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    return refused


def test_it_changes_the_password_and_signs_back_in_with_the_new_one(page, login, screenshot, django_user_model):
    officer_named_alex(django_user_model)
    refused = blocked_by_the_policy(page)
    login("alex", "a-long-passphrase")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.get_by_role("button", name="Alex Khan").click()
    page.get_by_role("link", name="Change your password").click()
    expect(page).to_have_title(re.compile("Change your password"))
    page.get_by_label("Old password").fill("a-long-passphrase")
    page.get_by_label(NEW_PASSWORD_LABEL).fill("another-long-passphrase")
    page.get_by_label("New password confirmation").fill("another-long-passphrase")
    screenshot(page, "password-change")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    screenshot(page, "password-changed")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(LOGIN_URL)

    login("alex", "a-long-passphrase")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()

    login("alex", "another-long-passphrase")
    expect(page).not_to_have_url(LOGIN_URL)
    expect(page.get_by_role("button", name="Alex Khan")).to_be_visible()
    assert refused == []


def test_it_pauses_sign_in_after_repeated_failures(page, login, screenshot, django_user_model):
    officer_named_alex(django_user_model)
    for _ in range(5):
        login("alex", "not-the-password")

    expect(page.get_by_role("heading", name="Too many failed sign-ins")).to_be_visible()
    expect(page.get_by_text("paused for 15 minutes")).to_be_visible()
    screenshot(page, "sign-in-locked")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "sign-in-locked-phone")

    login("alex", "a-long-passphrase")
    expect(page.get_by_role("heading", name="Too many failed sign-ins")).to_be_visible()


def test_it_resets_a_forgotten_password_by_email(page, login, screenshot, django_user_model, mailoutbox):
    officer_named_alex(django_user_model)
    refused = blocked_by_the_policy(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill("alex@council.example")
    screenshot(page, "password-reset-phone")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    link = re.search(r"https?://\S+/accounts/reset/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.get_by_label(NEW_PASSWORD_LABEL).fill("another-long-passphrase")
    page.get_by_label("New password confirmation").fill("another-long-passphrase")
    screenshot(page, "password-reset-confirm-phone")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()

    login("alex", "another-long-passphrase")
    expect(page).not_to_have_url(LOGIN_URL)
    assert refused == []
