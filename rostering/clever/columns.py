"""The Clever column each registry field is read from, by Clever file, so that a problem the
plan or the import finds with a value names Clever's own file and column (sections.csv's
``Name``, not OneRoster's ``title``). The External Assigned ID's column is the district's
choice (Student_number or Sis_id): ``column_of`` is told it."""

CLEVER_COLUMNS = {
    "schools.csv": {"name": "School_name", "sourcedId": "School_id", "identifier": "School_number"},
    "students.csv": {
        "first_name": "First_name",
        "last_name": "Last_name",
        "middle_name": "Middle_name",
        "username": "Username",
        "email": "Student_email",
        "grade": "Grade",
        "grades": "Grade",
        "schools": "School_id",
        "organizations": "School_id",
        "password": "Password",
        "sourcedId": "Student_id",
    },
    "teachers.csv": {
        "first_name": "First_name",
        "last_name": "Last_name",
        "middle_name": "Middle_name",
        "username": "Username",
        "email": "Teacher_email",
        "schools": "School_id",
        "organizations": "School_id",
        "sourcedId": "Teacher_id",
        "identifier": "Teacher_number",
    },
    "sections.csv": {
        "name": "Name",
        "school": "School_id",
        "subject": "Subject",
        "course_code": "Course_number",
        "grade": "Grade",
        "grades": "Grade",
        "educators": "Teacher_id",
        "sourcedId": "Section_id",
    },
    "enrollments.csv": {"classes": "Section_id", "students": "Student_id"},
}
