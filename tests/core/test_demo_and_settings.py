import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from peerpath.accounts.models import GuardianLink, Membership, Organization, User
from peerpath.core.roles import STAFF_ROLES, Role
from peerpath.matching.eligibility import matchability
from peerpath.matching.models import MatchRound, Profile, Proposal
from peerpath.programs.models import Participant, Program
from peerpath.recruitment.models import Application, Consent

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "a-long-random-production-secret-key-" + "k" * 40


@pytest.mark.django_db
@pytest.mark.slow
def test_load_demo_builds_riverside_and_is_idempotent(capsys):
    models = [
        User,
        Membership,
        GuardianLink,
        Participant,
        Application,
        Consent,
        Profile,
        MatchRound,
        Proposal,
    ]
    call_command("load_demo")
    counts = [model.objects.count() for model in models]
    call_command("load_demo")
    assert [model.objects.count() for model in models] == counts
    assert MatchRound.objects.count() == 4  # round 1 of each program, once
    assert set(Organization.objects.values_list("slug", flat=True)) == {
        "riverside",
        "lincoln-high",
        "jefferson-middle",
    }
    students = Membership.objects.filter(role=Role.STUDENT).count()
    assert 280 <= students <= 320
    assert Membership.objects.filter(role__in=STAFF_ROLES).count() == 10
    carol = User.objects.get(username="carol")
    assert carol.is_minor
    assert carol.guardians.get().guardian.username == "erin"
    assert User.objects.get(username="alice").check_password("peerpath-demo")
    # One program of each model, with mentor applicants at every stage of screening.
    assert sorted(Program.objects.values_list("model", flat=True)) == sorted(Program.Model.values)
    for program in Program.objects.all():
        statuses = set(Application.objects.filter(cohort__program=program).values_list("status", flat=True))
        assert statuses == set(Application.Status.values), program.name
    # bob (approved, screened, his father consented) is ready to match; carol too.
    participants = Participant.objects.filter(
        user__username__in=["bob", "carol"], cohort__program__slug="peer-mentors"
    )
    gates = matchability(participants.select_related("user", "cohort"))
    assert [result.is_matchable for result in gates.values()] == [True, True]
    output = capsys.readouterr().out
    assert "alice" in output
    assert "peerpath-demo" in output
    assert "lincoln001–lincoln198" in output
    assert "jefferson001–jefferson100" in output
    assert "paul " in output
    # Guardians have names of their own: a first name, and their child's last name.
    links = GuardianLink.objects.filter(guardian__username__startswith="guardian-").select_related(
        "guardian", "student"
    )
    assert links.count() > 50
    assert not User.objects.filter(first_name__startswith="Parent").exists()
    assert all(link.guardian.last_name == link.student.last_name for link in links)
    assert len({link.guardian.first_name for link in links}) > 20


def deploy_check(**env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "peerpath.example.org",
        "DATABASE_URL": "",
        **env,
    }
    environment.pop("SECRET_KEY", None) if "SECRET_KEY" not in env else None
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def _manifest_of_every_static_file(folder: Path) -> None:
    """What `collectstatic` would write (tests/core/test_production_serving.py runs the real one)."""
    paths = {path: path for finder in finders.get_finders() for path, _ in finder.list(["CVS", ".*", "*~"])}
    (folder / "staticfiles.json").write_text(json.dumps({"version": "1.1", "hash": "x", "paths": paths}))


def test_production_settings_pass_deploy_checks(tmp_path):
    _manifest_of_every_static_file(tmp_path)
    result = deploy_check(SECRET_KEY=PRODUCTION_KEY, STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_refuses_the_public_development_key():
    result = deploy_check()
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_security_headers_on_every_page(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_healthz_answers_ok(client, db):
    assert client.get("/healthz/").json() == {"status": "ok"}


def test_deploy_check_refuses_a_missing_static_manifest(tmp_path):
    result = deploy_check(SECRET_KEY=PRODUCTION_KEY, STATIC_ROOT=str(tmp_path / "empty"))
    assert result.returncode != 0
    assert "peerpath.E001" in result.stdout + result.stderr


def test_deploy_check_refuses_a_manifest_that_misses_a_static_file(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"version": "1.1", "hash": "x", "paths": {}}')
    result = deploy_check(SECRET_KEY=PRODUCTION_KEY, STATIC_ROOT=str(tmp_path))
    assert result.returncode != 0
    assert "peerpath.E002" in result.stdout + result.stderr
    assert "peerpath.E001" not in result.stdout + result.stderr
