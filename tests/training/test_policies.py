"""Who sees training modules (peerpath/training/policies.py)."""

import pytest

from peerpath.core import policy
from peerpath.training.models import Lesson, Module
from tests.factories import ModuleFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_module_students_see_published_modules_of_their_school_and_district(
    bob, lincoln, riverside, jefferson
):
    own = ModuleFactory(organization=lincoln, title="Own")
    ModuleFactory(organization=lincoln, title="Draft", is_published=False)
    district = ModuleFactory(organization=riverside, title="District")
    ModuleFactory(organization=riverside, title="District draft", is_published=False)
    ModuleFactory(organization=jefferson, title="Elsewhere")
    assert set(policy.scope(bob, Module.objects.all())) == {own, district}


def test_module_lessons_follow_their_module(bob, lincoln):
    shown = Lesson.objects.create(module=ModuleFactory(organization=lincoln), title="Shown", order=1)
    Lesson.objects.create(
        module=ModuleFactory(organization=lincoln, is_published=False), title="Hidden", order=1
    )
    assert list(policy.scope(bob, Lesson.objects.all())) == [shown]


def test_module_students_do_not_see_modules_of_another_district(bob, lincoln):
    northside = OrganizationFactory(slug="northside", name="Northside Unified", kind="district")
    OrganizationFactory(slug="north-high", name="North High", parent=northside)
    ModuleFactory(organization=northside, title="Northside only")
    assert list(policy.scope(bob, Module.objects.all())) == []
