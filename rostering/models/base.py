"""Pieces every roster record shares: its district, its origin, its SIS identity."""

from django.db import models
from simple_history.models import HistoricalRecords


class Origin(models.TextChoices):
    MANUAL = "manual", "Manual"
    SYNCED = "synced", "Synced from the SIS"


class ChannelHistory(models.Model):
    """Extra columns on every historical row: through which channel the change came."""

    history_channel = models.CharField(max_length=10, default="", blank=True)

    class Meta:
        abstract = True


def history(excluded_fields: tuple[str, ...] = ()) -> HistoricalRecords:
    return HistoricalRecords(
        bases=[ChannelHistory], inherit=False, excluded_fields=list(excluded_fields)
    )


class RosterRecord(models.Model):
    """A record that belongs to one district and is either manual or synced."""

    district = models.ForeignKey(
        "rostering.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"org_type": "district"},
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    sis_sourced_id = models.CharField(
        "SIS sourcedId",
        max_length=255,
        null=True,
        blank=True,
        help_text="The record's OneRoster sourcedId, once the sync has seen it.",
    )
    sis_values = models.JSONField(
        default=dict,
        blank=True,
        help_text="The values the SIS last sent for this record's shared fields.",
    )
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_synced(self) -> bool:
        return self.origin == Origin.SYNCED
