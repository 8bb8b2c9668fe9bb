"""Clever SFTP files written for tests: factory-boy rows (``CleverStudent.build()`` ...) and
``write_clever(folder, ...)`` which writes the five files as Clever names their columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import factory

COLUMNS = {
    "schools": ["School_id", "School_name", "School_number", "Low_grade", "High_grade"],
    "students": [
        "School_id",
        "Student_id",
        "Student_number",
        "Sis_id",
        "Last_name",
        "Middle_name",
        "First_name",
        "Grade",
        "Gender",
        "DOB",
        "Student_email",
        "Username",
        "Password",
    ],
    "teachers": [
        "School_id",
        "Teacher_id",
        "Teacher_number",
        "Last_name",
        "First_name",
        "Teacher_email",
        "Title",
        "Username",
    ],
    "sections": [
        "School_id",
        "Section_id",
        "Teacher_id",
        "Teacher_2_id",
        "Name",
        "Section_number",
        "Grade",
        "Course_name",
        "Course_number",
        "Subject",
        "Period",
        "Term_name",
    ],
    "enrollments": ["School_id", "Section_id", "Student_id"],
}


class CleverSchool(factory.DictFactory):
    School_id = factory.Sequence(lambda n: f"5a1b{n:04d}")
    School_name = factory.Sequence(lambda n: f"Clever School {n}")
    School_number = factory.Sequence(lambda n: f"N{n}")
    Low_grade = "Kindergarten"
    High_grade = "5"


class CleverStudent(factory.DictFactory):
    School_id = "5a1b0000"
    Student_id = factory.Sequence(lambda n: f"c0ffee{n:05d}")
    Student_number = factory.Sequence(lambda n: f"{20000 + n}")
    Sis_id = factory.Sequence(lambda n: f"SIS-{n}")
    First_name = factory.Faker("first_name")
    Middle_name = ""
    Last_name = factory.Faker("last_name")
    Grade = "3"
    Gender = "F"
    DOB = "3/14/2016"
    Username = factory.Sequence(lambda n: f"clever.kid{n}")
    Student_email = factory.LazyAttribute(lambda row: f"{row.Username}@clever.example.org")
    Password = ""


class CleverTeacher(factory.DictFactory):
    School_id = "5a1b0000"
    Teacher_id = factory.Sequence(lambda n: f"7eac{n:04d}")
    Teacher_number = factory.Sequence(lambda n: f"T{n}")
    First_name = factory.Faker("first_name")
    Last_name = factory.Faker("last_name")
    Username = factory.Sequence(lambda n: f"clever.teach{n}")
    Teacher_email = factory.LazyAttribute(lambda row: f"{row.Username}@clever.example.org")
    Title = "Teacher"


class CleverSection(factory.DictFactory):
    School_id = "5a1b0000"
    Section_id = factory.Sequence(lambda n: f"5ec{n:04d}")
    Teacher_id = ""
    Teacher_2_id = ""
    Name = factory.Sequence(lambda n: f"Room {n}")
    Section_number = factory.Sequence(lambda n: f"S{n}")
    Grade = "3"
    Course_name = "Reading"
    Course_number = "RD3"
    Subject = "English/language arts"
    Period = "1"
    Term_name = "2026-27"


def enrollment(section: dict, student: dict) -> dict:
    return {
        "School_id": section["School_id"],
        "Section_id": section["Section_id"],
        "Student_id": student["Student_id"],
    }


def csv_bytes(stem: str, rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS[stem], extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def write_clever(folder: Path, **tables: list[dict]) -> Path:
    """Write schools.csv, students.csv ... (those given) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, rows in tables.items():
        (folder / f"{stem}.csv").write_bytes(csv_bytes(stem, rows))
    return folder


def clever_district(folder: Path, *, students: int, per_section: int = 25) -> Path:
    """A Clever district of ``students`` students in two schools, a teacher and a section for
    every ``per_section`` students, each student enrolled in their section."""
    schools = CleverSchool.build_batch(2)
    kids = [
        CleverStudent.build(School_id=schools[n % 2]["School_id"], Grade=str(n % 6))
        for n in range(students)
    ]
    teachers, sections, enrollments = [], [], []
    for school in schools:
        at_school = [kid for kid in kids if kid["School_id"] == school["School_id"]]
        for start in range(0, len(at_school), per_section):
            teacher = CleverTeacher.build(School_id=school["School_id"])
            section = CleverSection.build(
                School_id=school["School_id"], Teacher_id=teacher["Teacher_id"]
            )
            teachers.append(teacher)
            sections.append(section)
            enrollments += [
                enrollment(section, kid) for kid in at_school[start : start + per_section]
            ]
    return write_clever(
        folder,
        schools=schools,
        students=kids,
        teachers=teachers,
        sections=sections,
        enrollments=enrollments,
    )
