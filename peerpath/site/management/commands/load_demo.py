from django.core.management.base import BaseCommand

from peerpath.accounts.demo import DEMO_PASSWORD, load_demo
from peerpath.accounts.models import User
from peerpath.matching.demo import load_demo_matching
from peerpath.mentorships.demo import load_demo_matches
from peerpath.recruitment.demo import load_demo_programs
from peerpath.training.demo import load_demo_training


class Command(BaseCommand):
    help = "Create or refresh the demo district (Riverside Unified). Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        summary = load_demo()
        programs = load_demo_programs()
        training = load_demo_training(mentors=programs.mentors)
        matches = load_demo_matches(training.pairs, coordinator=User.objects.get(username="alice"))
        matching = load_demo_matching()
        self.stdout.write(
            f"Demo ready: {summary.organizations} organizations, {summary.students} students, "
            f"{summary.staff} staff, {summary.guardians} guardians, {programs.programs} programs, "
            f"{training.modules} training modules, {matches} active matches, "
            f"a matching pool of {matching.mentors} mentors and {matching.mentees} mentees "
            f"with {matching.rounds} round(s) to review."
        )
        for name, pairs, mentors in matching.other_rounds:
            self.stdout.write(f"{name}: round 1 proposes {pairs} pairs with {mentors} mentors.")
        logins = [*summary.logins, *programs.logins]
        width = max(len(username) for username, _description in logins)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in logins:
            self.stdout.write(f"  {username:<{width}}  {description}")
