"""Every page of ours is covered by the authorization tests.

When you add a URL, add it to the tenancy tests (dave gets 404, anonymous goes to login) and then here.
"""

from django.urls import URLPattern, URLResolver, get_resolver

# Tested in tests/accounts/test_views.py (dave 404 + anonymous redirect) and tests/api/test_api.py.
AUTHORIZATION_TESTED = {
    "home",
    "organization_list",
    "organization_detail",
    "people",
    "person_detail",
    "audit_log",
    "api-me",
    "organization-list",
    "organization-detail",
}
# Open to everyone by design.
PUBLIC = {"healthz", "set_language", "api-schema", "api-root", "account_reset_password_from_key"}


def our_url_names(patterns, namespace_is_ours=True):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith("peerpath") or isinstance(pattern.urlconf_module, list):
                yield from our_url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.callback.__module__.startswith(("peerpath", "rest_framework")):
                yield pattern.name


def test_every_url_of_ours_has_authorization_tests():
    names = set(our_url_names(get_resolver().url_patterns))
    untested = names - AUTHORIZATION_TESTED - PUBLIC
    assert untested == set(), f"Add tenancy tests for: {sorted(untested)}"
    assert AUTHORIZATION_TESTED <= names  # the list above names real URLs
