import jsonschema
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


# The answers match the OpenAPI schema ------------------------------------------------------------


def _schema(client):
    return client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()


def _as_json_schema(node):
    """OpenAPI 3.0 marks null with `nullable`; JSON Schema (what jsonschema checks) with a type."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        elif "oneOf" in node:
            node["anyOf"] = [{"oneOf": node.pop("oneOf")}, {"type": "null"}]
    return node


def assert_matches_schema(schema, path, status, response):
    assert response.status_code == status
    responses = schema["paths"][path]["get"]["responses"]
    assert str(status) in responses, f"{path} does not document {status}"
    body_schema = responses[str(status)]["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), _as_json_schema({**body_schema, "components": schema["components"]}))


@pytest.mark.parametrize("language", ["", "es"])
def test_me_answer_matches_the_schema_with_or_without_a_language(client, bob, language):
    bob.preferred_language = language
    bob.save()
    client.force_login(bob)

    response = client.get("/api/v1/me/")

    assert response.json()["preferred_language"] == (language or None)
    assert_matches_schema(_schema(client), "/api/v1/me/", 200, response)


def test_me_schema_enum_has_no_blank_language(client, bob):
    client.force_login(bob)

    enum = _schema(client)["components"]["schemas"]["PreferredLanguageEnum"]["enum"]

    assert enum == ["en", "es"]


def test_organization_answers_match_the_schema_including_404(client, dave, lincoln, jefferson):
    client.force_login(dave)
    schema = _schema(client)

    assert_matches_schema(
        schema, "/api/v1/organizations/{slug}/", 404, client.get(f"/api/v1/organizations/{lincoln.slug}/")
    )
    assert_matches_schema(schema, "/api/v1/organizations/", 404, client.get("/api/v1/organizations/?page=9"))
    assert_matches_schema(schema, "/api/v1/organizations/", 200, client.get("/api/v1/organizations/"))
    assert_matches_schema(
        schema, "/api/v1/organizations/{slug}/", 200, client.get(f"/api/v1/organizations/{jefferson.slug}/")
    )


def test_anonymous_403_is_documented_for_every_endpoint(client, bob, lincoln):
    client.force_login(bob)
    schema = _schema(client)
    client.logout()

    for path, url in [
        ("/api/v1/me/", "/api/v1/me/"),
        ("/api/v1/organizations/", "/api/v1/organizations/"),
        ("/api/v1/organizations/{slug}/", f"/api/v1/organizations/{lincoln.slug}/"),
    ]:
        assert_matches_schema(schema, path, 403, client.get(url))
