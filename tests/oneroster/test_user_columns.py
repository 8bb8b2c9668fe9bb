"""The users.csv columns a plain User is filled from are the registry's (Field.oneroster,
Field.record): a field that is not one of User's own attributes, such as a preferred first
name, is held in ``User.more``, and only by the users the SIS sent one for."""

from rostering.oneroster import read_snapshot
from rostering.oneroster.records import NOTHING_MORE
from tests.shared_data import SHARED_DATA

from .csvset import set_files

V12_BULK = SHARED_DATA / "oneroster-moodle-enrol-fixtures/v1p2-bulk"


def test_the_real_12_set_gives_its_preferred_names_and_nothing_to_those_without(
    moodle_as_exported,
):
    users = {u.username: u for u in read_snapshot(V12_BULK).users.values()}

    assert users["mary.jones"].value("preferred_first_name") == "MJ"
    assert users["thomas.joness"].value("preferred_first_name") == "Tom"
    # john.doe has a preferred middle name only; jim.smith no preferred name at all.
    for name in ("john.doe", "jim.smith"):
        assert users[name].value("preferred_first_name") == ""
        assert users[name].more is NOTHING_MORE  # no dict of its own
    assert users["mary.jones"].value("given_name") == "Mary"  # a slot, by the same call


def test_the_12_column_comes_before_the_information_models_name():
    user = {
        "sourcedId": "u1",
        "orgSourcedIds": "s1",
        "role": "student",
        "username": "ana",
        "givenName": "Ana",
        "familyName": "Lopez",
    }
    files = set_files(
        extra_user_columns=("preferredGivenName", "preferredFirstName"),
        orgs=[{"sourcedId": "s1", "name": "North Elementary", "type": "school"}],
        users=[
            {**user, "preferredGivenName": "Annie", "preferredFirstName": "Ani"},
            {**user, "sourcedId": "u2", "username": "ben", "preferredFirstName": "Benny"},
        ],
    )

    users = read_snapshot({n: t.encode() for n, t in files.items()}).users

    assert users["u1"].value("preferred_first_name") == "Annie"
    assert users["u2"].value("preferred_first_name") == "Benny"
