"""The product catalogue, product links and students' product settings."""

from django.core.exceptions import ValidationError
from django.db import models

from .base import Origin


class Product(models.Model):
    """A catalogue entry (a reading or math program), shared by every district."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, default="")
    sign_in_url = models.URLField(
        "sign-in address",
        max_length=500,
        blank=True,
        default="",
        help_text="Where students sign in to this product; printed (and as a QR code) on login cards.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductSetting(models.Model):
    """One setting of a product, e.g. "Language Support": English or Spanish."""

    class SettingType(models.TextChoices):
        CHOICE = "choice", "Choice"
        INTEGER = "integer", "Whole number"
        BOOLEAN = "boolean", "Yes/No"
        TEXT = "text", "Text"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="settings")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    setting_type = models.CharField(
        max_length=10, choices=SettingType.choices, default=SettingType.CHOICE
    )
    allowed_values = models.JSONField(default=list, blank=True)
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    default = models.CharField(max_length=200, blank=True, default="")
    help_text = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["product__name", "label"]
        constraints = [
            models.UniqueConstraint(fields=["product", "key"], name="product_setting_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.label}"

    def validate_value(self, value: str) -> str:
        """The value in canonical form, or ValidationError naming the allowed values."""
        from rostering.validators import validate_setting_value

        return validate_setting_value(self, value)

    def clean(self) -> None:
        if self.default:
            try:
                self.validate_value(self.default)
            except ValidationError as exc:
                raise ValidationError({"default": exc.messages}) from exc


class ProductLink(models.Model):
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ClassProduct(ProductLink):
    # No index of its own: the unique pair below starts with it and serves every lookup by it.
    class_group = models.ForeignKey(
        "rostering.ClassGroup",
        on_delete=models.CASCADE,
        related_name="product_links",
        db_index=False,
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="class_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["class_group", "product"], name="class_product_once")
        ]

    def __str__(self) -> str:
        return f"{self.product} for {self.class_group}"


class StudentProduct(ProductLink):
    # No index of its own: the unique pair below starts with it and serves every lookup by it.
    student = models.ForeignKey(
        "rostering.Student", on_delete=models.CASCADE, related_name="product_links", db_index=False
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="student_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "product"], name="student_product_once")
        ]

    def __str__(self) -> str:
        return f"{self.product} for {self.student}"


class StudentProductSetting(models.Model):
    # No index of its own: the unique pair below starts with it and serves every lookup by it.
    student = models.ForeignKey(
        "rostering.Student",
        on_delete=models.CASCADE,
        related_name="product_settings",
        db_index=False,
    )
    setting = models.ForeignKey(ProductSetting, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(max_length=200)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    # What the SIS last sent (the sync writes it), so a changed value can say it differs.
    sis_value = models.CharField(max_length=200, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "setting"], name="student_setting_once")
        ]

    def __str__(self) -> str:
        return f"{self.setting.label} = {self.value}"
