import pytest
from django.core.management import call_command

from peerpath.analytics.queries import matches_with_lapsed_training
from peerpath.matching.eligibility import TRAINED, matchability
from peerpath.mentorships.models import Match
from peerpath.programs.models import Participant, Program
from peerpath.training.models import Completion, Module, Requirement


def counts() -> tuple[int, ...]:
    return (
        Module.objects.count(),
        Requirement.objects.count(),
        Completion.objects.count(),
        Match.objects.count(),
        Match.objects.filter(status=Match.Status.ACTIVE).count(),
    )


@pytest.mark.django_db
@pytest.mark.slow
def test_demo_training_is_idempotent_with_mentors_at_every_stage():
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first

    lincoln_programs = Program.objects.filter(organization__slug="lincoln-high")
    for program in lincoln_programs:
        required = Requirement.objects.filter(program=program, role="mentor").select_related("module")
        assert required.count() == 3, program.name
        assert sum(r.module.validity_days == 365 for r in required) >= 1

    mentors = Participant.objects.filter(
        cohort__program__in=lincoln_programs, role="mentor", status="enrolled"
    ).select_related("user", "cohort")
    gates = matchability(mentors).values()
    training = [next(g for g in result.gates if g.key == TRAINED) for result in gates]
    assert any(result.is_matchable for result in gates)
    assert any(not gate.done and "(expired)" in gate.detail for gate in training)
    assert any(not gate.done and "(expired)" not in gate.detail for gate in training)
    assert sum(not gate.done for gate in training) >= 3

    peer_mentors = Program.objects.get(organization__slug="lincoln-high", slug="peer-mentors")
    active = Match.objects.filter(cohort__program=peer_mentors, status=Match.Status.ACTIVE)
    assert active.count() >= 3
    assert active.filter(mentor__username="bob", mentee__username="carol").exists()
    lapsed = matches_with_lapsed_training(peer_mentors)
    assert len(lapsed) == 1
    assert "(expired)" in lapsed[0].missing

    bob = Participant.objects.select_related("user", "cohort").get(
        user__username="bob", cohort__program=peer_mentors, role="mentor"
    )
    assert matchability([bob])[bob.pk].is_matchable


@pytest.mark.django_db
def test_demo_modules_without_the_starter_library(monkeypatch, lincoln):
    from peerpath.training import demo

    monkeypatch.setattr(demo, "_library_loader", lambda: None)
    modules = demo._ensure_modules(lincoln)
    again = demo._ensure_modules(lincoln)
    assert modules == again
    assert [module.validity_days for module in modules] == [None, None, 365]
    assert all(module.questions.count() == 1 for module in modules)
    assert Module.objects.filter(organization=lincoln).count() == 3
