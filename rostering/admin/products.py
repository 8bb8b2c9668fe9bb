"""The product catalogue with its settings, and read-only lists of every link and membership."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from rostering.models import (
    ClassEducator,
    ClassProduct,
    ClassStudent,
    Product,
    ProductSetting,
    StudentProduct,
    StudentProductSetting,
)


class ProductSettingInline(admin.StackedInline):
    model = ProductSetting
    extra = 0
    # Deleting a setting here would take students' values with it, past the engine and their
    # history; its own delete page refuses that (students' values are never deleted there).
    can_delete = False
    fields = (
        ("key", "label", "setting_type"),
        "allowed_values",
        ("min_value", "max_value", "default"),
        "help_text",
    )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sign_in_url", "is_active")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = (ProductSettingInline,)

    def has_delete_permission(self, request, obj=None):
        return False  # retire a product with "active" instead: districts keep their history


@admin.register(ProductSetting)
class ProductSettingAdmin(admin.ModelAdmin):
    list_display = ("label", "product", "setting_type", "default")
    list_filter = ("product", "setting_type")
    list_select_related = ("product",)
    search_fields = ("label", "key", "product__name")


class ReadOnlyListAdmin(admin.ModelAdmin):
    """A list to look things up; links are changed on the student's or class/group's page,
    through the services."""

    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClassProduct)
class ClassProductAdmin(ReadOnlyListAdmin):
    list_display = ("class_group", "product", "origin", "district", "created_at")
    list_filter = ("origin", "product")
    list_select_related = ("class_group__district", "product")
    search_fields = ("^class_group__name", "=class_group__external_id")

    @admin.display(description="district")
    def district(self, obj):
        return obj.class_group.district


@admin.register(StudentProduct)
class StudentProductAdmin(ReadOnlyListAdmin):
    list_display = ("student", "product", "origin", "district", "created_at")
    list_filter = ("origin", "product")
    list_select_related = ("student__district", "product")
    search_fields = ("^student__username", "=student__external_id")

    @admin.display(description="district")
    def district(self, obj):
        return obj.student.district


@admin.register(StudentProductSetting)
class StudentProductSettingAdmin(ReadOnlyListAdmin):
    list_display = ("student", "setting", "value", "origin", "updated_at")
    list_filter = ("origin", "setting__product")
    list_select_related = ("student", "setting__product")
    search_fields = ("^student__username", "=student__external_id")


@admin.register(ClassStudent)
class ClassStudentAdmin(ReadOnlyListAdmin):
    list_display = ("student", "class_group", "origin", "created_at")
    list_filter = ("origin",)
    list_select_related = ("student", "class_group")
    search_fields = ("^student__username", "=student__external_id", "^class_group__name")


@admin.register(ClassEducator)
class ClassEducatorAdmin(ReadOnlyListAdmin):
    list_display = ("educator", "class_group", "origin", "created_at")
    list_filter = ("origin",)
    list_select_related = ("educator", "class_group")
    search_fields = ("^educator__username", "^class_group__name")
