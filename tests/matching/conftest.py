import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request in Spanish (a user's preferred language) leaves the worker thread in Spanish; service
    calls in the next test would then word their messages in Spanish. Each test starts in English."""
    translation.activate("en")
    yield
    translation.deactivate()
