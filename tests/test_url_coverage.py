"""Every page of ours is covered by an authorization test, found in the tests themselves.

The URL names come from the URL conf. A name counts as covered when an authorization test uses it: a test
function whose name says what it checks (``dave``, ``404``, ``anonymous``, another school, a refused
persona...) and that mentions the URL name as a string, directly, in its parametrize decorator, or
through a module-level constant it reads. Adding a name to a list here cannot satisfy it.
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TESTS = Path(__file__).parent
AUTHORIZATION_TEST = re.compile(
    r"dave|404|anonymous|another_school|other_school|other_org|tenan|forbidden|denied|refus|cannot|"
    r"only_|not_allowed|login|redirect|persona|permission|must_not|outsider"
)
# Open to everyone by design.
PUBLIC = {
    "healthz",
    "set_language",
    "api-root",
    "account_reset_password_from_key",
    # Signed one-time links: the token is the credential; bad or used tokens change nothing.
    "consent_respond",
    "reference_respond",
    # The signed code is the credential; a tampered one shows "could not be verified".
    "certificate_verify",
}


def our_url_names(patterns) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith("peerpath") or isinstance(pattern.urlconf_module, list):
                yield from our_url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.callback.__module__.startswith(("peerpath", "rest_framework")):
                yield pattern.name


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _names_read(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _module_symbols(tree: ast.Module) -> dict[str, ast.AST]:
    """Module-level constants and helper functions (fixtures included) by name."""
    symbols: dict[str, ast.AST] = {}
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef) and not statement.name.startswith("test_"):
            symbols[statement.name] = statement
        elif isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    symbols[target.id] = statement.value
    return symbols


def _reachable_strings(node: ast.AST, symbols: dict[str, ast.AST]) -> set[str]:
    """The strings a test mentions, itself or through the module's helpers and constants it uses."""
    found: set[str] = set()
    seen: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        found |= _strings(current)
        names = _names_read(current)
        if isinstance(current, ast.FunctionDef):
            names |= {argument.arg for argument in current.args.args}  # fixtures of the module
        for name in names - seen:
            seen.add(name)
            if name in symbols:
                pending.append(symbols[name])
    return found


def strings_in_authorization_tests() -> set[str]:
    found: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        symbols = _module_symbols(tree)
        for statement in tree.body:
            if (
                isinstance(statement, ast.FunctionDef)
                and statement.name.startswith("test_")
                and AUTHORIZATION_TEST.search(statement.name)
            ):
                found |= _reachable_strings(statement, symbols)
    return found


def test_every_url_of_ours_has_an_authorization_test():
    names = set(our_url_names(get_resolver().url_patterns))
    covered = strings_in_authorization_tests()
    untested = names - PUBLIC - covered
    assert untested == set(), f"Add an authorization test (dave gets 404, ...) that uses: {sorted(untested)}"


def test_public_names_are_real_urls():
    assert set(our_url_names(get_resolver().url_patterns)) >= PUBLIC
