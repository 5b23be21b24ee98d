"""The demo district: Riverside Unified with Lincoln High and Jefferson Middle.

Deterministic (seeded) and idempotent: running it again updates the same rows instead of adding more.
"""

import datetime
import functools
import random
import zlib
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from peerpath.accounts.models import GuardianLink, Membership, Organization, User
from peerpath.core.roles import Role

DEMO_PASSWORD = "peerpath-demo"
SEED = 20261122
STUDENTS_PER_SCHOOL = {"lincoln-high": 200, "jefferson-middle": 100}
GRADES = {"lincoln-high": range(9, 13), "jefferson-middle": range(6, 9)}

FIRST_NAMES = [
    "Aaliyah",
    "Aarav",
    "Abigail",
    "Adrian",
    "Aisha",
    "Alejandro",
    "Amara",
    "Amir",
    "Ana",
    "Andre",
    "Angela",
    "Anh",
    "Arjun",
    "Ava",
    "Benjamin",
    "Bianca",
    "Brandon",
    "Camila",
    "Carlos",
    "Chloe",
    "Daniel",
    "Darius",
    "Deja",
    "Diego",
    "Elena",
    "Elijah",
    "Emily",
    "Emmanuel",
    "Esperanza",
    "Ethan",
    "Fatima",
    "Gabriel",
    "Grace",
    "Hana",
    "Hector",
    "Imani",
    "Isabella",
    "Jamal",
    "Jasmine",
    "Javier",
    "Jayden",
    "Jin",
    "Jordan",
    "Jose",
    "Julia",
    "Kai",
    "Kayla",
    "Kenji",
    "Keisha",
    "Leila",
    "Liam",
    "Lucia",
    "Luis",
    "Malik",
    "Maria",
    "Marcus",
    "Maya",
    "Mei",
    "Miguel",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Rafael",
    "Ravi",
    "Rosa",
    "Samuel",
    "Sofia",
    "Tariq",
    "Thanh",
    "Tyler",
    "Valentina",
    "Victor",
    "Xavier",
    "Yasmin",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Ahmed",
    "Alvarez",
    "Anderson",
    "Baker",
    "Brown",
    "Chen",
    "Cruz",
    "Davis",
    "Diaz",
    "Flores",
    "Garcia",
    "Gomez",
    "Gonzalez",
    "Green",
    "Hall",
    "Harris",
    "Hernandez",
    "Jackson",
    "Johnson",
    "Kim",
    "Lee",
    "Lopez",
    "Martin",
    "Martinez",
    "Mendoza",
    "Miller",
    "Moore",
    "Nguyen",
    "Okafor",
    "Ortiz",
    "Patel",
    "Perez",
    "Phillips",
    "Ramirez",
    "Reyes",
    "Rivera",
    "Robinson",
    "Rodriguez",
    "Sanchez",
    "Scott",
    "Shah",
    "Singh",
    "Smith",
    "Tanaka",
    "Taylor",
    "Thomas",
    "Torres",
    "Tran",
    "Walker",
    "Washington",
    "White",
    "Williams",
    "Wilson",
    "Wright",
    "Yang",
    "Young",
    "Zhang",
]

# Guardians' first names (a guardian shares the child's last name).
GUARDIAN_FIRST_NAMES = [
    "Adriana",
    "Ahmed",
    "Alma",
    "Amy",
    "Anil",
    "Beatriz",
    "Brian",
    "Carmen",
    "Claudia",
    "David",
    "Denise",
    "Eduardo",
    "Elizabeth",
    "Fernando",
    "Gloria",
    "Hiroshi",
    "Hoa",
    "Ifeoma",
    "James",
    "Jennifer",
    "Jorge",
    "Karen",
    "Kevin",
    "Lakshmi",
    "Laura",
    "Linh",
    "Lorena",
    "Marisol",
    "Mark",
    "Michelle",
    "Min-jun",
    "Monica",
    "Nasser",
    "Patricia",
    "Ramon",
    "Rebecca",
    "Ricardo",
    "Robert",
    "Rukhsana",
    "Sandra",
    "Sergio",
    "Sunita",
    "Teresa",
    "Thomas",
    "Veronica",
    "Wei",
    "Yolanda",
]

# username, first, last, organization slug, role
STAFF = [
    ("grace", "Grace", "Okafor", "riverside", Role.ADMIN),
    ("ivan", "Ivan", "Petrov", "lincoln-high", Role.ADMIN),
    ("alice", "Alice", "Moreno", "lincoln-high", Role.COORDINATOR),
    ("frank", "Frank", "Delgado", "lincoln-high", Role.EDUCATOR),
    ("heidi", "Heidi", "Larsen", "lincoln-high", Role.EDUCATOR),
    ("mia", "Mia", "Washington", "lincoln-high", Role.EDUCATOR),
    ("liam", "Liam", "O'Connor", "jefferson-middle", Role.ADMIN),
    ("dave", "Dave", "Kowalski", "jefferson-middle", Role.COORDINATOR),
    ("judy", "Judy", "Nakamura", "jefferson-middle", Role.EDUCATOR),
    ("ken", "Ken", "Abara", "jefferson-middle", Role.EDUCATOR),
]


@dataclass
class DemoSummary:
    organizations: int = 0
    students: int = 0
    staff: int = 0
    guardians: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


@functools.cache
def demo_password_hash() -> str:
    """One hash of the demo password for every demo account: hashing is slow on purpose (about a second
    each on a busy machine), so hashing per account would take minutes."""
    return make_password(DEMO_PASSWORD)


def demo_guardian(student: User, school: Organization) -> User:
    """The guardian `guardian-<student>` of a demo student, with a real name (the child's last name and a
    first name fixed by the username), a guardian membership of `school` and the link to the child.
    Renames a guardian an older demo called "Parent of <child>"."""
    username = f"guardian-{student.username}"
    first = GUARDIAN_FIRST_NAMES[zlib.crc32(username.encode()) % len(GUARDIAN_FIRST_NAMES)]
    guardian, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": student.last_name,
            "email": f"{username}@example.net",
            "password": demo_password_hash(),
        },
    )
    if not created and guardian.first_name == "Parent of":
        guardian.first_name, guardian.last_name = first, student.last_name
        guardian.save(update_fields=["first_name", "last_name"])
    Membership.objects.get_or_create(user=guardian, organization=school, role=Role.GUARDIAN)
    GuardianLink.objects.get_or_create(guardian=guardian, student=student, defaults={"organization": school})
    return guardian


def birthday_for_grade(grade: int, rng: random.Random, today: datetime.date) -> datetime.date:
    """A student in grade G turns G + 5 during the school year that starts in September."""
    school_year_start = today.year if today.month >= 8 else today.year - 1
    birth_year = school_year_start - (grade + 5)
    return datetime.date(birth_year, 9, 1) + datetime.timedelta(days=rng.randrange(365))


def _person(
    username: str,
    first: str,
    last: str,
    email: str,
    password_hash: str,
    date_of_birth: datetime.date | None = None,
) -> User:
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": email,
            "date_of_birth": date_of_birth,
            "password": password_hash,
            "is_active": True,
        },
    )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _member(user: User, organization: Organization, role: str, grade: int | None = None) -> None:
    Membership.objects.update_or_create(
        user=user, organization=organization, role=role, defaults={"grade": grade, "is_active": True}
    )


@transaction.atomic
def load_demo(today: datetime.date | None = None) -> DemoSummary:
    today = today or datetime.date.today()
    rng = random.Random(SEED)
    password_hash = demo_password_hash()
    summary = DemoSummary()

    district, _ = Organization.objects.update_or_create(
        slug="riverside",
        defaults={"name": "Riverside Unified School District", "kind": Organization.Kind.DISTRICT},
    )
    schools = {
        "lincoln-high": Organization.objects.update_or_create(
            slug="lincoln-high", defaults={"name": "Lincoln High School", "parent": district}
        )[0],
        "jefferson-middle": Organization.objects.update_or_create(
            slug="jefferson-middle", defaults={"name": "Jefferson Middle School", "parent": district}
        )[0],
    }
    organizations = {"riverside": district, **schools}
    summary.organizations = len(organizations)

    for username, first, last, slug, role in STAFF:
        user = _person(username, first, last, f"{username}@riverside.example.org", password_hash)
        _member(user, organizations[slug], role)
        summary.staff += 1
        summary.logins.append((username, f"{role.label}, {organizations[slug].name}"))

    lincoln = schools["lincoln-high"]
    bob = _person(
        "bob",
        "Bob",
        "Nguyen",
        "bob@students.riverside.example.org",
        password_hash,
        birthday_for_grade(11, rng, today),
    )
    _member(bob, lincoln, Role.STUDENT, grade=11)
    carol = _person(
        "carol",
        "Carol",
        "Jimenez",
        "carol@students.riverside.example.org",
        password_hash,
        birthday_for_grade(9, rng, today),
    )
    _member(carol, lincoln, Role.STUDENT, grade=9)
    erin = _person("erin", "Erin", "Jimenez", "erin.jimenez@example.net", password_hash)
    _member(erin, lincoln, Role.GUARDIAN)
    GuardianLink.objects.get_or_create(guardian=erin, student=carol, defaults={"organization": lincoln})
    summary.logins += [
        ("bob", "Student (grade 11), Lincoln High School"),
        ("carol", "Student (grade 9, a minor), Lincoln High School"),
        ("erin", "Guardian of carol"),
    ]
    summary.students += 2
    summary.guardians += 1

    students_by_school: dict[str, list[User]] = {}
    for slug, count in STUDENTS_PER_SCHOOL.items():
        school = schools[slug]
        made = []
        for number in range(1, count - (2 if slug == "lincoln-high" else 0) + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            grade = rng.choice(list(GRADES[slug]))
            username = f"{slug.split('-')[0]}{number:03d}"
            student = _person(
                username,
                first,
                last,
                f"{first}.{last}.{username}@students.riverside.example.org".lower().replace("'", ""),
                password_hash,
                birthday_for_grade(grade, rng, today),
            )
            _member(student, school, Role.STUDENT, grade=grade)
            made.append(student)
        students_by_school[slug] = made
        summary.students += len(made)
        grades = GRADES[slug]
        summary.logins.append(
            (
                f"{made[0].username}–{made[-1].username}",
                f"Students (grades {grades[0]}–{grades[-1]}), {school.name}",
            )
        )

    # A few more guardians, each linked to one student of the school.
    for index, slug in enumerate(["lincoln-high"] * 3 + ["jefferson-middle"] * 3):
        child = students_by_school[slug][index * 7]
        username = f"guardian-{child.username}"
        guardian = _person(
            username, rng.choice(FIRST_NAMES), child.last_name, f"{username}@example.net", password_hash
        )
        _member(guardian, schools[slug], Role.GUARDIAN)
        GuardianLink.objects.get_or_create(
            guardian=guardian, student=child, defaults={"organization": schools[slug]}
        )
        summary.guardians += 1
    return summary
