"""What a student's login card shows: the products they use, each with its sign-in address and
a QR code of that address carrying the username, and the username and password.

One builder for every card sheet (a student's card, a class/group's, students chosen on the
list), so they all read the same. QR codes are SVG made on the server (segno), so printing
needs no script or network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno
from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString, mark_safe

from rostering.models import ClassGroup, Product, Student
from rostering.passwords import decrypt_password


@dataclass
class CardProduct:
    name: str
    sign_in_url: str = ""
    qr_target: str = ""
    qr_svg: SafeString | str = ""


@dataclass
class Card:
    name: str
    username: str
    password: str
    schools: list[str] = field(default_factory=list)
    products: list[CardProduct] = field(default_factory=list)


def sign_in_target(sign_in_url: str, username: str) -> str:
    """The sign-in address with the username added (``?username=...``), what the QR code holds."""
    parts = urlsplit(sign_in_url)
    query = "&".join(q for q in (parts.query, urlencode({"username": username})) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def qr_svg(text: str) -> SafeString:
    """An inline SVG QR code (sized by CSS), hidden from screen readers: the address is printed
    beside it."""
    svg = segno.make(text, error="m").svg_inline(border=2, omitsize=True, svgclass="qr-code")
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))  # noqa: S308 - segno's own markup


def card_students(students: QuerySet[Student]) -> QuerySet[Student]:
    """`students` with what a card needs fetched in a fixed number of queries."""
    active_classes = ClassGroup.objects.filter(is_active=True).prefetch_related(
        "product_links__product"
    )
    return students.prefetch_related(
        "schools",
        "product_links__product",
        Prefetch("class_groups", queryset=active_classes),
    ).order_by("last_name", "first_name", "username")


def _products_of(student: Student) -> list[Product]:
    products = {link.product.pk: link.product for link in student.product_links.all()}
    for group in student.class_groups.all():
        for link in group.product_links.all():
            products.setdefault(link.product.pk, link.product)
    return sorted((p for p in products.values() if p.is_active), key=lambda p: p.name)


def build_cards(students: QuerySet[Student], *, limit: int | None = None) -> list[Card]:
    """One card per student, in the order a teacher hands them out (last name, first name)."""
    cards = []
    ordered = card_students(students)
    for student in ordered[:limit] if limit else ordered:
        products = []
        for product in _products_of(student):
            entry = CardProduct(name=product.name, sign_in_url=product.sign_in_url)
            if product.sign_in_url:
                entry.qr_target = sign_in_target(product.sign_in_url, student.username)
                entry.qr_svg = qr_svg(entry.qr_target)
            products.append(entry)
        cards.append(
            Card(
                name=student.known_as,
                username=student.username,
                password=decrypt_password(student.password_encrypted) or "",
                schools=[school.name for school in student.schools.all()],
                products=products,
            )
        )
    return cards
