"""What the demo district's synced records are: plain data, no database.

rostering.demo creates the records from these definitions and rostering.demo_snapshot writes
the district's SIS export from them, so the portal and the SIS agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SCHOOLS = [
    ("Lincoln Elementary", "LIN", ["KG", "01", "02", "03", "04", "05"]),
    ("Roosevelt Middle School", "ROS", ["06", "07", "08"]),
    ("Jefferson High School", "JEF", ["09", "10", "11", "12"]),
]
FIRST = (
    "Ava Liam Olivia Noah Emma Mateo Sofia Lucas Isabella Ethan Mia Aiden Amelia Elijah Harper "
    "James Camila Benjamin Luna Henry Aria Jackson Chloe Sebastian Zoe Daniel Nora Leo Maya Owen"
).split()
LAST = (
    "Garcia Smith Johnson Nguyen Brown Martinez Lee Patel Wilson Lopez Kim Davis Hernandez Clark "
    "Lewis Walker Young Allen King Wright Scott Torres Hill Green Adams Baker Rivera Campbell"
).split()
# The names some children go by, typed in by their school (manual students only: the demo's
# SIS sends OneRoster 1.1, which has no preferred-name column).
NICKNAMES = {
    "Isabella": "Izzy",
    "Benjamin": "Ben",
    "Sebastian": "Seb",
    "Elijah": "Eli",
    "Amelia": "Millie",
    "Olivia": "Liv",
    "Jackson": "Jax",
}
WORDS = "apple bear cloud dragon eagle forest garden kite lemon maple ocean panda river tiger".split()
STUDENTS_PER_SCHOOL = 50
SEED = 20261122
# Teachers of every school; the first of each school is synced, the second manual.
TEACHERS = [("mbrooks", "Marcus", "Brooks"), ("jpark", "Jenna", "Park")]
# The SIS's course codes give the synced classes their products.
PRODUCT_RULES = [  # (ProductRule.match_field, pattern, product code)
    ("course_code", "HOMEROOM*", "reading-quest"),
    ("course_code", "MATH*", "math-path"),
]
SNAPSHOT_NAME = "demo-usd-oneroster.zip"


@dataclass(frozen=True)
class DemoStudent:
    """One demo student; two in three come from the SIS."""

    code: str  # the school's code
    n: int
    first: str
    last: str
    grade: str
    password: str = ""
    language: str | None = None  # Reading Quest language (every fifth student)

    @property
    def synced(self) -> bool:
        return self.n % 3 != 0

    @property
    def preferred_first_name(self) -> str:
        """The name the child goes by, when the school typed one in (Isabella: Izzy)."""
        return "" if self.synced else NICKNAMES.get(self.first, "")

    @property
    def username(self) -> str:
        return f"{self.first}.{self.last}.{self.code}{self.n:02d}".lower()

    @property
    def external_id(self) -> str:
        return f"{self.code}{self.n + 1:05d}"

    @property
    def sourced_id(self) -> str:
        return f"stu-{self.code}-{self.n}"

    @property
    def email(self) -> str:
        return f"{self.username}@students.demo-usd.example.org"


@dataclass(frozen=True)
class DemoClass:
    """A synced class: its SIS sourcedId is also its External Assigned ID."""

    name: str
    sourced_id: str
    course_code: str
    subject: str
    grade: str
    class_type: str
    product_code: str


def demo_students() -> dict[str, list[DemoStudent]]:
    """Every school's students, by school code (the same on every call)."""
    rng = random.Random(SEED)
    students: dict[str, list[DemoStudent]] = {}
    for _, code, grades in SCHOOLS:
        students[code] = []
        for n in range(STUDENTS_PER_SCHOOL):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            grade = rng.choice(grades)
            password = f"{rng.choice(WORDS)}{rng.randint(10, 99)}"
            language = rng.choice(["English", "Spanish"]) if n % 5 == 0 else None
            students[code].append(DemoStudent(code, n, first, last, grade, password, language))
    return students


def class_rosters(students: list[DemoStudent]) -> tuple[list[DemoStudent], list[DemoStudent]]:
    """The synced students of a school split between its homeroom and its math class."""
    synced = [s for s in students if s.synced]
    half = len(synced) // 2
    return synced[:half], synced[half:]


def synced_classes(code: str, grades: list[str]) -> tuple[DemoClass, DemoClass]:
    """A school's homeroom and math class, as the SIS sends them."""
    first, last = grades[0], grades[-1]
    return (
        DemoClass(
            f"{code} Homeroom {first}", f"{code}-HR-1", f"HOMEROOM-{first}", "", first,
            "homeroom", "reading-quest",
        ),
        DemoClass(
            f"{code} Math {last}", f"{code}-MA-1", f"MATH-{last}", "Mathematics", last,
            "scheduled", "math-path",
        ),
    )


def school_sourced_id(code: str) -> str:
    return f"org-{code}"


def teacher_username(handle: str, code: str) -> str:
    return f"{handle}.{code.lower()}"


def teacher_sourced_id(username: str) -> str:
    return f"tch-{username}"


def educator_email(username: str) -> str:
    return f"{username}@demo-usd.example.org"
