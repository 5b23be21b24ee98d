import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_me_returns_roles(client, bob):
    client.force_login(bob)
    data = client.get("/api/v1/me/").json()
    assert data["username"] == "bob"
    assert data["memberships"] == [{"organization": "lincoln-high", "role": "student", "grade": 11}]


def test_organizations_list_is_scoped(client, alice, dave, lincoln, jefferson):
    client.force_login(alice)
    data = client.get("/api/v1/organizations/").json()
    assert [org["slug"] for org in data["results"]] == ["lincoln-high"]


def test_organization_of_another_school_is_404(client, dave, lincoln):
    client.force_login(dave)
    response = client.get(reverse("organization-detail", args=[lincoln.slug]))
    assert response.status_code == 404
    assert "Lincoln" not in response.content.decode()


def test_organization_detail_for_member(client, alice, lincoln):
    client.force_login(alice)
    assert client.get(f"/api/v1/organizations/{lincoln.slug}/").json()["parent"] == "riverside"


@pytest.mark.parametrize(
    ("name", "args"), [("api-me", []), ("organization-list", []), ("organization-detail", ["lincoln-high"])]
)
def test_api_anonymous_is_refused(client, lincoln, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 403
    assert "credentials were not provided" in response.json()["detail"]


def test_openapi_schema_lists_endpoints(client, bob):
    client.force_login(bob)
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    schema = response.json()
    assert schema["info"]["title"] == "PeerPath API"
    assert {"/api/v1/me/", "/api/v1/organizations/", "/api/v1/organizations/{slug}/"} <= set(schema["paths"])


@pytest.mark.parametrize("extra", [1, 3])
def test_organizations_list_queries_constant(client, grace, riverside, extra, django_assert_num_queries):
    from tests.factories import OrganizationFactory

    for number in range(extra):
        OrganizationFactory(slug=f"api-{number}", parent=riverside)
    client.force_login(grace)
    client.get("/api/v1/organizations/")
    with django_assert_num_queries(8):
        data = client.get("/api/v1/organizations/").json()
    assert data["count"] == extra + 1
