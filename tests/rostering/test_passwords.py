from django.test import override_settings

from rostering.passwords import (
    check_password,
    decrypt_password,
    encrypt_password,
    generate_password,
)


def test_password_is_encrypted_at_rest_and_readable_with_the_key():
    token = encrypt_password("tiger42")
    assert "tiger42" not in token
    assert decrypt_password(token) == "tiger42"
    assert check_password(token, "tiger42")
    assert not check_password(token, "tiger43")


def test_a_different_key_cannot_read_the_password():
    token = encrypt_password("tiger42")
    with override_settings(STUDENT_PASSWORD_KEY="another-key-entirely"):
        assert decrypt_password(token) == ""


def test_generated_passwords_are_easy_to_type():
    for _ in range(20):
        password = generate_password()
        assert password.isalnum() and password.islower() and 6 <= len(password) <= 9
