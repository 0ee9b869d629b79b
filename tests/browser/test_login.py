import re

from playwright.sync_api import expect

LOGIN_URL = re.compile(r"/accounts/login/")


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
