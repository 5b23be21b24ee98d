import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_set_language_saves_preference_and_pages_switch_to_spanish(client, bob):
    client.force_login(bob)
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("home")})
    assert response.url == reverse("home")
    bob.refresh_from_db()
    assert bob.preferred_language == "es"
    page = client.get(reverse("home"))
    assert page["Content-Language"] == "es"
    content = page.content.decode()
    assert '<html lang="es">' in content
    assert "Saltar al contenido principal" in content


def test_saved_language_wins_over_browser(client, bob):
    bob.preferred_language = "es"
    bob.save()
    client.force_login(bob)
    page = client.get(reverse("home"), headers={"Accept-Language": "en"})
    assert '<html lang="es">' in page.content.decode()


def test_anonymous_language_switch_uses_cookie(client, db):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/accounts/login/"})
    assert response.cookies["django_language"].value == "es"
    assert '<html lang="es">' in client.get("/accounts/login/").content.decode()


def test_set_language_refuses_outside_redirect_and_unknown_language(client, bob):
    client.force_login(bob)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.url == reverse("home")
    bob.refresh_from_db()
    assert bob.preferred_language == ""
