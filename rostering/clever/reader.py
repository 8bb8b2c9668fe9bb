"""Read Clever's SFTP CSV files (schools, students, teachers, sections, enrollments).

Problems name Clever's file, row (header is row 1), the record's Clever id and the column, in
Clever's words. A student's Password is kept as OneRoster's password is (the sync and the
import encrypt it: rostering.sync.passwords, the students template's rules); DOB, Gender and
the other columns Homeroom does not store are read past without a word. A row that cannot be rostered is left out with an error; a set without
students.csv, or a file without its id column, cannot be used and raises SnapshotError.
"""

from __future__ import annotations

from rostering import registry
from rostering.oneroster.files import read_rows, text_stream
from rostering.oneroster.reading import unsent
from rostering.oneroster.records import (
    Class,
    Course,
    Enrollment,
    Org,
    Role,
    Snapshot,
    SnapshotError,
    User,
    user_values,
)

from .columns import CLEVER_COLUMNS, clever_columns

CLEVER_FILES = ("schools", "students", "teachers", "sections", "enrollments")
ID_COLUMNS = ("Student_number", "Sis_id")
# What each file cannot do without: its id column and the school it belongs to.
_KEYS = {
    "schools": ("School_id",),
    "students": ("Student_id", "School_id"),
    "teachers": ("Teacher_id", "School_id"),
    "sections": ("Section_id", "School_id"),
    "enrollments": ("Section_id", "Student_id"),
}
# Clever's grade words, as OneRoster grades (the registry reads "0" as kindergarten).
_GRADES = {
    "infanttoddler": "IT",
    "preschool": "PS",
    "prekindergarten": "PK",
    "transitionalkindergarten": "TK",
    "kindergarten": "KG",
    "postgraduate": "13",
    "ungraded": "UG",
}
_TEACHER_COLUMNS = ("Teacher_id", *(f"Teacher_{n}_id" for n in range(2, 11)))


def read_clever(files: dict[str, bytes], *, id_column: str = "Student_number") -> Snapshot:
    """A Snapshot of Clever's files ({file name: bytes}); ``id_column`` (Student_number or
    Sis_id) gives the records' identifier, which the sync takes as the External Assigned ID."""
    return _Reader({name.lower(): data for name, data in files.items()}, id_column).read()


def grade(value: str) -> str:
    """Clever's grade as OneRoster sends it: "Kindergarten" is KG, "PreKindergarten" PK; "0",
    "1".."12" and anything else are left to the registry's grade check."""
    return _GRADES.get(value.strip().lower(), value.strip())


def _missing_keys(stem: str, columns: list[str]) -> str:
    missing = [key for key in _KEYS[stem] if key.lower() not in columns]
    if not missing:
        return ""
    return (
        f"{stem}.csv has no {' or '.join(missing)} column, so its rows cannot be read. "
        f"Export {stem}.csv again from Clever with its header row."
    )


def not_clever(heads: dict[str, bytes], where: str) -> str:
    """Why the files (by lower-case name, each its first bytes at least) are not a Clever
    SFTP set, in a sentence naming ``where`` (e.g. the zip's name); "" when they are."""
    names = {name.lower(): data for name, data in heads.items()}
    if "students.csv" not in names:
        found = ", ".join(sorted(names)) or "no CSV files"
        return (
            f"{where} is not a Clever SFTP set: it has no students.csv (found {found}). "
            "Export all five Clever files (schools, students, teachers, sections, enrollments)."
        )
    for stem in CLEVER_FILES:
        data = names.get(f"{stem}.csv")
        if data is not None:
            header, _rows = read_rows(text_stream(data.split(b"\n", 1)[0]), f"{stem}.csv")
            problem = _missing_keys(stem, [name.strip().lower() for name in header])
            if problem:
                return f"{where}: {problem}"
    return ""


class _Rows:
    """One Clever file's rows as {column (lower case): trimmed value}."""

    def __init__(self, stem: str, data: bytes) -> None:
        self.file = f"{stem}.csv"
        header, self._rows = read_rows(text_stream(data), self.file)
        self.columns = [name.strip().lower() for name in header]
        problem = _missing_keys(stem, self.columns)
        if problem:
            raise SnapshotError(problem)

    def __iter__(self):
        for row, cells in self._rows:
            yield row, {name: cell.strip() for name, cell in zip(self.columns, cells, strict=False)}


class _Reader:
    def __init__(self, files: dict[str, bytes], id_column: str) -> None:
        if id_column not in ID_COLUMNS:
            raise ValueError(f"id_column is one of {ID_COLUMNS}, not {id_column!r}")
        self.files = files
        self.id_column = id_column.lower()
        self.snapshot = Snapshot(version="clever")

    def _rows(self, stem: str) -> _Rows | None:
        data = self.files.get(f"{stem}.csv")
        return None if data is None else _Rows(stem, data)

    def read(self) -> Snapshot:
        names = {name.removesuffix(".csv") for name in self.files}
        if not names & set(CLEVER_FILES):
            raise SnapshotError(
                "This is not a Clever SFTP set: expected schools.csv, students.csv, "
                f"teachers.csv, sections.csv and enrollments.csv, found "
                f"{', '.join(sorted(self.files)) or 'no files'}."
            )
        if "students" not in names:
            raise SnapshotError(
                "The set has no students.csv, so there is nobody to roster. Export all five "
                "Clever files (schools, students, teachers, sections, enrollments) and try again."
            )
        self._schools()
        self._people("students", "Student", "student", registry.STUDENT)
        self._people("teachers", "Teacher", "teacher", registry.EDUCATOR)
        self._sections()
        self._enrollments()
        return self.snapshot

    def _refuse(self, file: str, row: int, record: str, column: str, message: str) -> None:
        self.snapshot.error(file, row, record, f"{column}: {message}", column)

    def _duplicate(self, file: str, row: int, record: str, column: str, message: str) -> None:
        """A second row with an id is skipped with a warning (as OneRoster's reader does):
        the first row is the record, and the rest of the set goes ahead."""
        self.snapshot.warn(file, row, record, f"{column}: {message}", column)

    def _school_of(self, file: str, row: int, record: str, values: dict) -> str:
        school = values.get("school_id", "")
        if not school:
            self._refuse(file, row, record, "School_id", "is empty; give the Clever School_id.")
        elif school not in self.snapshot.orgs:
            self._refuse(
                file, row, record, "School_id", f'"{school}" is not a School_id in schools.csv.'
            )
        else:
            return school
        return ""

    def _schools(self) -> None:
        rows = self._rows("schools")
        if rows is None:
            self.snapshot.incomplete.add("orgs")
            return
        for row, values in rows:
            school = values.get("school_id", "")
            name = values.get("school_name", "")
            if not school:
                self._refuse(rows.file, row, "", "School_id", "is empty.")
            elif not name:
                self._refuse(rows.file, row, school, "School_name", "is empty.")
            elif school in self.snapshot.orgs:
                self._duplicate(rows.file, row, school, "School_id", "appears twice; row skipped.")
            else:
                self.snapshot.orgs[school] = Org(
                    school,
                    name,
                    "school",
                    identifier=values.get("school_number", ""),
                    row=row,
                    file=rows.file,
                )

    def _people(self, stem: str, word: str, role: str, kind: registry.Kind) -> None:
        rows = self._rows(stem)
        if rows is None:
            self.snapshot.incomplete.add("users")
            return
        users = self.snapshot.users
        header = [f"{stem}.{name}" for name in rows.columns]
        self.snapshot.unsent[kind.name] = unsent(kind, header, clever=True)
        key = f"{word.lower()}_id"
        # The columns the registry says the file carries (a student's First_name, Middle_name,
        # Student_email, Password: User.given_name ...), copied as they are; the IDs, grade,
        # school and username fallback are this reader's rules, below.
        plain = clever_columns(stem, kind)
        named = CLEVER_COLUMNS[rows.file]
        for row, values in rows:
            record = values.get(key, "")
            if not record:
                self._refuse(rows.file, row, "", f"{word}_id", "is empty.")
                continue
            if record in users:
                self._duplicate(
                    rows.file,
                    row,
                    record,
                    f"{word}_id",
                    f'"{record}" is already a Student_id or Teacher_id above; row skipped.',
                )
                continue
            read = {attribute: values.get(column, "") for attribute, column in plain}
            if not read["given_name"] or not read["family_name"]:
                empty = "first_name" if not read["given_name"] else "last_name"
                self._refuse(rows.file, row, record, named[empty], "is empty.")
                continue
            school = self._school_of(rows.file, row, record, values)
            if not school:
                continue
            if role == "student":  # the district chose its identifier column
                identifier = values.get(self.id_column, "") or (
                    record if self.id_column == "sis_id" else ""
                )
                sent = values.get(named["grade"].lower(), "")
                grades = [grade(sent)] if sent else []  # a student has one grade
            else:
                identifier, grades = values.get(named["identifier"].lower(), ""), []
            username = values.get(named["username"].lower(), "")
            own, more = user_values(read)
            users[record] = User(
                record,
                username or read.get("email", "") or record,
                identifier=identifier,
                grades=grades,
                roles=[Role(role, school, primary=True)],
                row=row,
                file=rows.file,
                more=more,
                **own,
            )
        # A refused student or teacher is a refused user, whichever file it came from.
        rejected = self.snapshot.rejected
        rejected.setdefault("users", set()).update(rejected.pop(stem, set()))

    def _sections(self) -> None:
        rows = self._rows("sections")
        if rows is None:
            self.snapshot.incomplete.update({"classes", "enrollments"})
            return
        snapshot = self.snapshot
        for row, values in rows:
            record = values.get("section_id", "")
            if not record:
                self._refuse(rows.file, row, "", "Section_id", "is empty.")
                continue
            if record in snapshot.classes:
                self._duplicate(rows.file, row, record, "Section_id", "appears twice; row skipped.")
                continue
            title = values.get("name", "") or values.get("section_name", "")
            title = title or values.get("course_name", "")
            if not title:
                self._refuse(rows.file, row, record, "Name", "is empty (and so is Course_name).")
                continue
            school = self._school_of(rows.file, row, record, values)
            if not school:
                continue
            course = ""
            number = values.get("course_number", "")
            if number:
                course = f"{school}:{number}"
                snapshot.courses.setdefault(
                    course,
                    Course(
                        course,
                        values.get("course_name", "") or title,
                        course_code=number,
                        org_sourced_id=school,
                        row=row,
                    ),
                )
            subject = values.get("subject", "")
            snapshot.classes[record] = Class(
                record,
                title,
                school,
                course_sourced_id=course,
                class_code=values.get("section_number", ""),
                class_type="scheduled",
                subjects=[subject] if subject else [],
                grades=[grade(values["grade"])] if values.get("grade") else [],
                row=row,
                file=rows.file,
            )
            for column in _TEACHER_COLUMNS:
                teacher = values.get(column.lower(), "")
                if not teacher:
                    continue
                if teacher not in snapshot.users:
                    if teacher not in snapshot.rejected.get("users", ()):
                        snapshot.warn(
                            rows.file,
                            row,
                            record,
                            f'{column}: "{teacher}" is not a Teacher_id in teachers.csv; '
                            "the section is read without that teacher.",
                        )
                    continue
                snapshot.enrollments.append(
                    Enrollment(
                        f"{record}:{teacher}",
                        record,
                        teacher,
                        "teacher",
                        school_sourced_id=school,
                        primary=column == "Teacher_id",
                        row=row,
                        file=rows.file,
                    )
                )
        snapshot.rejected.setdefault("classes", set()).update(
            snapshot.rejected.pop("sections", set())
        )

    def _enrollments(self) -> None:
        rows = self._rows("enrollments")
        if rows is None:
            self.snapshot.incomplete.add("enrollments")
            return
        snapshot = self.snapshot
        seen: set[str] = set()
        for row, values in rows:
            section, student = values.get("section_id", ""), values.get("student_id", "")
            record = f"{section}:{student}"
            if not section or not student:
                column = "Section_id" if not section else "Student_id"
                self._refuse(rows.file, row, record, column, "is empty.")
            elif section in snapshot.rejected.get("classes", ()) or student in (
                snapshot.rejected.get("users", ())
            ):
                snapshot.warn(
                    rows.file,
                    row,
                    record,
                    "Left out: its section's or student's own row was refused (see the errors).",
                )
            elif section not in snapshot.classes:
                self._refuse(
                    rows.file,
                    row,
                    record,
                    "Section_id",
                    f'"{section}" is not a Section_id in sections.csv.',
                )
            elif student not in snapshot.users:
                self._refuse(
                    rows.file,
                    row,
                    record,
                    "Student_id",
                    f'"{student}" is not a Student_id in students.csv.',
                )
            elif record in seen:
                snapshot.warn(rows.file, row, record, "The same enrollment appears twice.")
            else:
                seen.add(record)
                snapshot.enrollments.append(
                    Enrollment(
                        record,
                        section,
                        student,
                        "student",
                        school_sourced_id=snapshot.classes[section].school_sourced_id,
                        row=row,
                    )
                )
