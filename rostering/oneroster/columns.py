"""Column names of each OneRoster CSV file, the misspellings and old names seen in real exports,
and the enumerated values with their spelling.

A header is matched without regard to case; ``ALIASES`` maps what exports write to what the
spec says. Columns starting ``metadata.`` or ``ext_`` are extensions and kept as they are.
"""

from __future__ import annotations

COLUMNS: dict[str, tuple[str, ...]] = {
    "manifest": ("propertyName", "value"),
    "orgs": (
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ),
    "users": (
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        # 1.2
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
        # 1.2's information model names them so; some exports use those in the CSV too.
        "preferredFirstName",
        "preferredLastName",
    ),
    "roles": (
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
    "userProfiles": (
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "profileType",
        "vendorId",
        "applicationId",
        "description",
        "credentialType",
        "username",
        "password",
    ),
    "courses": (
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
        "resourceSourcedIds",
    ),
    "classes": (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
        "resourceSourcedIds",
    ),
    "enrollments": (
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ),
    "academicSessions": (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ),
}

# What real exports write -> the spec's name (keys in lower case).
ALIASES: dict[str, str] = {
    "datalastmodified": "dateLastModified",
    "prefferedgivenname": "preferredGivenName",
    "prefferedmiddlename": "preferredMiddleName",
    "prefferedfamilyname": "preferredFamilyName",
    "grade": "grades",  # OneRoster 1.0
    "schoolyearid": "schoolYearSourcedId",  # 1.0
    "userid": "userIds",
    "agents": "agentSourcedIds",
    "orgsourcedid": "orgSourcedIds",  # users only; roles/courses keep theirs (see reader)
    "subject": "subjects",
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "orgs": ("sourcedId", "name", "type"),
    "users": ("sourcedId", "username", "givenName", "familyName"),
    "roles": ("userSourcedId", "role", "orgSourcedId"),
    "userProfiles": ("userSourcedId",),
    "courses": ("sourcedId", "title"),
    "classes": ("sourcedId", "title", "schoolSourcedId"),
    "enrollments": ("classSourcedId", "userSourcedId", "role"),
    "academicSessions": ("sourcedId",),
}

STATUS_VALUES = ("active", "tobedeleted")
ORG_TYPES = ("department", "school", "district", "local", "state", "national")
ROLE_VALUES = (
    "administrator",
    "aide",
    "guardian",
    "parent",
    "proctor",
    "relative",
    "student",
    "teacher",
    # 1.2
    "districtAdministrator",
    "siteAdministrator",
    "systemAdministrator",
    "principal",
)
CLASS_TYPES = ("homeroom", "scheduled")
ROLE_TYPES = ("primary", "secondary")
TRUE_VALUES = frozenset({"true", "yes", "1", "y", "t"})
FALSE_VALUES = frozenset({"false", "no", "0", "n", "f"})


def is_extension(header: str) -> bool:
    lower = header.lower()
    return lower.startswith("metadata.") or lower.startswith("ext_")
