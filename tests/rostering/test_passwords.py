from django.test import override_settings

from rostering.passwords import (
    _cipher,
    _mac,
    decrypt_password,
    encrypt_password,
    generate_password,
    password_matches,
)


def test_password_is_encrypted_at_rest_and_readable_with_the_key():
    token = encrypt_password("tiger42")
    assert "tiger42" not in token
    assert decrypt_password(token) == "tiger42"
    assert password_matches(token, "tiger42")
    assert not password_matches(token, "tiger43")
    assert not password_matches("", "tiger42") and not password_matches(token, "")


def test_two_students_with_one_password_store_nothing_alike():
    first, second = encrypt_password("tiger42"), encrypt_password("tiger42")
    # Salt, mac and ciphertext all differ: the database does not tell who shares a password.
    assert set(first.split("$")) & set(second.split("$")) == {"h2"}
    assert password_matches(first, "tiger42") and password_matches(second, "tiger42")


def test_a_different_key_cannot_read_or_match_the_password():
    token = encrypt_password("tiger42")
    with override_settings(STUDENT_PASSWORD_KEY="another-key-entirely"):
        assert decrypt_password(token) == ""
        assert not password_matches(token, "tiger42")


def test_a_password_stored_before_the_mac_is_still_read_and_compared():
    token = _cipher().encrypt(b"tiger42").decode()  # how passwords were stored before
    assert decrypt_password(token) == "tiger42"
    assert password_matches(token, "tiger42") and not password_matches(token, "tiger43")


def test_a_password_stored_with_its_mac_under_fernet_is_still_read_and_compared():
    # How passwords were stored before AES-GCM: the same salt and mac, then a Fernet token.
    salt = "c2FsdHk="
    token = f"h1${salt}${_mac(salt, 'tiger42')}${_cipher().encrypt(b'tiger42').decode()}"
    assert decrypt_password(token) == "tiger42"
    assert password_matches(token, "tiger42") and not password_matches(token, "tiger43")
    with override_settings(STUDENT_PASSWORD_KEY="another-key-entirely"):
        assert decrypt_password(token) == "" and not password_matches(token, "tiger42")


def test_a_tampered_password_reads_as_none():
    token = encrypt_password("tiger42")
    head, sealed = token.rsplit("$", 1)
    # A character inside the ciphertext (the last ones hold padding bits base64 ignores).
    flipped = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
    assert decrypt_password(f"{head}${flipped}") == ""
    assert decrypt_password(f"{head}$not-base64!") == ""


def test_generated_passwords_are_easy_to_type():
    for _ in range(20):
        password = generate_password()
        assert password.isalnum() and password.islower() and 6 <= len(password) <= 9


def test_the_migration_stores_old_passwords_again_with_their_mac(db):
    import importlib

    from django.apps import apps

    from tests import factories

    migration = importlib.import_module("rostering.migrations.0013_student_password_macs")
    old = _cipher().encrypt(b"tiger42").decode()
    kid = factories.StudentFactory(password_encrypted=old)
    unreadable = factories.StudentFactory(password_encrypted="gAAAA-another-keys-token")

    migration.add_macs(apps, None)

    kid.refresh_from_db()
    assert kid.password_encrypted.startswith("h2$") and password_matches(
        kid.password_encrypted, "tiger42"
    )
    unreadable.refresh_from_db()
    assert unreadable.password_encrypted == "gAAAA-another-keys-token"  # left as it was
