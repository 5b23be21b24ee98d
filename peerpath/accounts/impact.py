"""What else a person's deactivation touches: their open applications, open matches, ...

Those records live in apps above accounts (recruitment, mentorships), which accounts may not import. Each
such app registers a provider here from its AppConfig.ready (as it registers its policies), and the people
pages and the roster import ask `open_items` without knowing who answers.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from peerpath.accounts.models import Organization, User
from peerpath.core.policy import with_descendants


@dataclass(frozen=True)
class OpenItem:
    """One open record of a person that a coordinator should look at after deactivating them."""

    kind: str  # "application", "match", ...: a stable key for tests and the API
    label: str  # what the coordinator reads, already translated
    url: str  # where to act on it
    organization_id: int


type Provider = Callable[[Iterable[int], Iterable[int]], list[OpenItem]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider: called with (user ids, organization ids of the subtree), returns their open items."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def open_items(person: User, organization: Organization) -> list[OpenItem]:
    return open_items_for([person.pk], subtree_ids(organization))


def open_items_for(user_ids: Iterable[int], organization_ids: Iterable[int]) -> list[OpenItem]:
    user_ids, organization_ids = list(user_ids), list(organization_ids)
    if not user_ids:
        return []
    return [item for provider in _providers for item in provider(user_ids, organization_ids)]


def subtree_ids(organization: Organization) -> list[int]:
    """The organization and every school under it (districts contain schools, one level or more)."""
    return sorted(with_descendants({organization.pk}))
