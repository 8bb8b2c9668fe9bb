"""Each OneRoster file's plain columns come from the registry by one rule
(rostering.oneroster.record_columns), for people, classes and organizations alike."""

from rostering.oneroster.record_columns import record_columns


def _columns(stem):
    return {column.attribute: column for column in record_columns(stem)}


def test_users_csv_tries_the_12_preferred_name_before_the_information_models():
    users = _columns("users")

    assert users["preferred_first_name"].columns == ("preferredGivenName", "preferredFirstName")
    assert users["given_name"].columns == ("givenName",)
    # The reader's own rules are not copied as they are: the username, the IDs, the grades,
    # the status and the schools (with their roles).
    assert not {"username", "identifier", "grades", "org_sourced_ids"} & set(users)


def test_a_class_splits_its_grades_and_an_organization_keeps_its_parent():
    classes, orgs = _columns("classes"), _columns("orgs")

    assert classes["grades"].listed and not classes["title"].listed
    assert classes["school_sourced_id"].columns == ("schoolSourcedId",)
    assert "sourced_id" not in classes  # the record's key, not one of its columns
    assert orgs["parent_sourced_id"].columns == ("parentSourcedId",)
    assert set(orgs) == {"name", "parent_sourced_id"}
