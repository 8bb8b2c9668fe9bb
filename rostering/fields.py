"""Model fields of our own."""

from __future__ import annotations

import logging

from cryptography.fernet import InvalidToken
from django.db import models

from rostering.passwords import decrypt_bytes, encrypt_bytes

log = logging.getLogger(__name__)


class EncryptedBinaryField(models.BinaryField):
    """Bytes encrypted at rest with the student-password key: encrypted on save, decrypted on
    load. For stored uploads and snapshots, which hold student passwords (a stolen database
    without the key reveals nothing). Empty stays empty; a value the key cannot decrypt (the
    key changed without re-encrypting) loads as empty bytes, like a student password does."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt_bytes(bytes(value))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        value = bytes(value)
        if not value:
            return b""
        try:
            return decrypt_bytes(value)
        except InvalidToken:
            log.error("A stored file of %s could not be decrypted: has the key changed?", self)
            return b""


def _is_encrypted(data: bytes) -> bool:
    try:
        decrypt_bytes(data)
    except InvalidToken:
        return False
    return True


def encrypt_existing(model, field_name: str, *, encrypt: bool = True):
    """A data migration's step: encrypt (or, going back, decrypt) the rows stored before the
    field was an EncryptedBinaryField. Raw SQL, one row at a time, so that neither the
    historical field nor a large table gets in the way; rows already done are skipped, so
    it is safe to run twice."""

    def run(apps, schema_editor):
        table = apps.get_model(*model.split("."))._meta.db_table
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        column, table_q = quote(field_name), quote(table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table_q} WHERE {column} IS NOT NULL")
            ids = [row[0] for row in cursor.fetchall()]
            for pk in ids:
                cursor.execute(f"SELECT {column} FROM {table_q} WHERE id = %s", [pk])
                data = bytes(cursor.fetchone()[0] or b"")
                if not data or _is_encrypted(data) == encrypt:
                    continue
                new = encrypt_bytes(data) if encrypt else decrypt_bytes(data)
                cursor.execute(
                    f"UPDATE {table_q} SET {column} = %s WHERE id = %s",
                    [connection.Database.Binary(new), pk],
                )

    return run
