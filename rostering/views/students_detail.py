"""A student's page: tabs (Details, Classes/Groups, Products, Product Settings) and actions.

Every lookup goes through accounts.permissions (404 outside the user's organizations, 403 when
visible but not changeable, for every POST); every write goes through rostering.services,
which refuse locked fields and synced classes whatever the browser sends.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from accounts import permissions
from rostering import login_cards, services
from rostering.forms.ownership import shown_value
from rostering.forms.students import (
    PasswordForm,
    ProductSettingsForm,
    StudentDetailsForm,
    add_service_errors,
)
from rostering.models import ClassGroup, Product, Student
from rostering.ownership import LOCKED_MESSAGE, FieldState
from rostering.selectors import students as selectors

from .students import require_role
from .undo import success_with_undo

TABS = (
    ("details", "Details", "rostering:student_detail"),
    ("classes", "Classes/Groups", "rostering:student_classes"),
    ("products", "Products", "rostering:student_products"),
    ("settings", "Product Settings", "rostering:student_settings"),
)


def _messages_from(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class StudentPageMixin(LoginRequiredMixin):
    """Loads the student: visible for GET (else 404), changeable for POST (else 403)."""

    tab = "details"
    template_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_role(request)
        if request.method == "POST":
            self.student = selectors.student_get_changeable(request.user, kwargs["pk"])
        else:
            self.student = selectors.student_get(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def page(self, **context) -> HttpResponse:
        student = self.student
        context.update(
            {
                "student": student,
                "can_change": permissions.can_change(self.request.user, student),
                "locked_message": LOCKED_MESSAGE,
                "tabs": [
                    {
                        "label": label,
                        "url": reverse(url_name, args=[student.pk]),
                        "active": key == self.tab,
                    }
                    for key, label, url_name in TABS
                ],
            }
        )
        return render(self.request, self.template_name, context)


class StudentDetailView(StudentPageMixin, View):
    tab = "details"
    template_name = "rostering/students/detail.html"

    def form(self, data=None) -> StudentDetailsForm:
        return StudentDetailsForm(data, user=self.request.user, student=self.student)

    def get(self, request, pk):
        return self.page(form=self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form=form)
        changes = form.changes()
        if not changes:
            messages.info(request, "Nothing changed.")
            return redirect(self.student.get_absolute_url())
        try:
            services.student_update(actor=request.user, student=self.student, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.page(form=form)
        messages.success(request, f"Saved {self.student.full_name}.")
        self._warn_about_sis_values(form, changes)
        return redirect(self.student.get_absolute_url())

    def _warn_about_sis_values(self, form: StudentDetailsForm, changes: dict) -> None:
        """A shared field saved with a value other than the SIS's will be put back."""
        sis_values = self.student.sis_values or {}
        for name, value in changes.items():
            if form.field_ownership.get(name) is not FieldState.SHARED or name not in sis_values:
                continue
            sis_value = sis_values[name] or ""
            if str(value or "") != str(sis_value):
                label = form.base_fields[name].label
                shown = shown_value(form.fields[name], sis_value)
                messages.warning(
                    self.request,
                    f'{label} now differs from the SIS value "{shown}": '
                    "the next sync will put the SIS value back.",
                )


class StudentClassesView(StudentPageMixin, View):
    tab = "classes"
    template_name = "rostering/students/classes.html"

    def get(self, request, pk):
        return self.page(classes=selectors.student_classes(request.user, self.student))

    def post(self, request, pk):
        """Add the student to a manual class/group in the user's scope."""
        class_group = permissions.get_visible_or_404(
            request.user, ClassGroup, pk=request.POST.get("class_group")
        )
        try:
            services.class_group_add_students(
                actor=request.user, class_group=class_group, students=[self.student]
            )
        except ValidationError as exc:
            for message in _messages_from(exc):
                messages.error(request, message)
        else:
            messages.success(request, f"Added {self.student.full_name} to {class_group.name}.")
        return redirect("rostering:student_classes", pk=self.student.pk)


class StudentClassRemoveView(StudentPageMixin, View):
    def post(self, request, pk):
        class_group = permissions.get_visible_or_404(
            request.user, ClassGroup, pk=request.POST.get("class_group")
        )
        try:
            services.class_group_remove_students(
                actor=request.user, class_group=class_group, students=[self.student]
            )
        except ValidationError as exc:
            for message in _messages_from(exc):
                messages.error(request, message)
        else:
            success_with_undo(
                request,
                f"Removed {self.student.full_name} from {class_group.name}.",
                action_url=reverse("rostering:student_classes", args=[self.student.pk]),
                fields={"class_group": class_group.pk},
            )
        return redirect("rostering:student_classes", pk=self.student.pk)


class StudentProductsView(StudentPageMixin, View):
    tab = "products"
    template_name = "rostering/students/products.html"

    def get(self, request, pk):
        return self.page(
            access=selectors.student_products(self.student),
            addable=selectors.products_to_add(self.student),
        )

    def post(self, request, pk):
        product = get_object_or_404(Product, pk=request.POST.get("product") or 0)
        try:
            services.student_add_product(actor=request.user, student=self.student, product=product)
        except ValidationError as exc:
            for message in _messages_from(exc):
                messages.error(request, message)
        else:
            messages.success(request, f"{self.student.full_name} now has {product.name}.")
        return redirect("rostering:student_products", pk=self.student.pk)


class StudentProductRemoveView(StudentPageMixin, View):
    def post(self, request, pk):
        product = get_object_or_404(Product, pk=request.POST.get("product") or 0)
        removed = services.student_remove_product(
            actor=request.user, student=self.student, product=product
        )
        if removed:
            success_with_undo(
                request,
                f"Removed {product.name} from {self.student.full_name}.",
                action_url=reverse("rostering:student_products", args=[self.student.pk]),
                fields={"product": product.pk},
            )
        else:
            messages.info(request, f"{self.student.full_name} had no direct {product.name}.")
        return redirect("rostering:student_products", pk=self.student.pk)


class StudentSettingsView(StudentPageMixin, View):
    tab = "settings"
    template_name = "rostering/students/settings.html"

    def form(self, data=None) -> ProductSettingsForm:
        return ProductSettingsForm(data, rows=selectors.student_setting_rows(self.student))

    def get(self, request, pk):
        return self.page(form=self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form=form)
        changed = list(form.changed_settings())
        with transaction.atomic():  # all the settings or none
            for setting, value in changed:
                try:
                    services.student_set_product_setting(
                        actor=request.user, student=self.student, setting=setting, value=value
                    )
                except ValidationError as exc:
                    form.add_error(f"setting_{setting.pk}", exc.messages)
            if form.errors:
                transaction.set_rollback(True)
        if form.errors:
            return self.page(form=form)
        if changed:
            messages.success(
                request, f"Saved {len(changed)} product setting{'s' if len(changed) != 1 else ''}."
            )
            self._warn_about_sis_values(form, changed)
        else:
            messages.info(request, "Nothing changed.")
        return redirect("rostering:student_settings", pk=self.student.pk)

    def _warn_about_sis_values(self, form: ProductSettingsForm, changed) -> None:
        """A setting the SIS sends, saved with another value, will be put back (as Details)."""
        sis_values = {row.setting.pk: row.sis_value for row in form.rows}
        for setting, value in changed:
            sis_value = sis_values.get(setting.pk)
            if sis_value is not None and value != sis_value:
                messages.warning(
                    self.request,
                    f'{setting.label} now differs from the SIS value "{sis_value}": '
                    "the next sync will put the SIS value back.",
                )


class StudentPasswordView(StudentPageMixin, View):
    """Set or reset the password; the new one is shown once, with a link to the login card."""

    tab = ""
    template_name = "rostering/students/password.html"

    def get(self, request, pk):
        return self.page(form=PasswordForm())

    def post(self, request, pk):
        form = PasswordForm(request.POST)
        if form.is_valid():
            try:
                password = services.student_set_password(
                    actor=request.user,
                    student=self.student,
                    password=form.cleaned_data["password"] or None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self.page(new_password=password)
        return self.page(form=form)


class StudentLoginCardView(StudentPageMixin, View):
    tab = ""
    template_name = "rostering/login_cards/sheet.html"

    def get(self, request, pk):
        student = self.student
        cards = login_cards.build_cards(Student.objects.filter(pk=student.pk))
        return render(
            request,
            self.template_name,
            {
                "heading": f"Login card: {student.full_name}",
                "back_url": student.get_absolute_url(),
                "back_label": f"Back to {student.full_name}",
                "cards": cards,
                "note": "" if student.is_active else "this student is deactivated",
            },
        )


@login_required
def student_set_active(request, pk: int, active: bool):
    """Deactivate or reactivate (POST only). A synced student's status belongs to the SIS."""
    require_role(request)
    student = selectors.student_get_changeable(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.student_set_active(actor=request.user, student=student, active=active)
    except ValidationError as exc:
        for message in _messages_from(exc):
            messages.error(request, message)
    else:
        if active:
            messages.success(request, f"{student.full_name} is reactivated.")
        else:
            success_with_undo(
                request,
                f"{student.full_name} is deactivated.",
                action_url=reverse("rostering:student_reactivate", args=[student.pk]),
                fields={},
            )
    return redirect(student.get_absolute_url())
