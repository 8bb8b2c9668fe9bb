"""Per-district sync configuration: which optional fields the SIS sends."""

from django.db import models


class SyncConfiguration(models.Model):
    """What the district's SIS sends beyond the required (locked) fields.

    ``shared_fields`` maps a record kind ("student", "educator", "class_group") to the optional
    fields the district chose to send; ``rostering.ownership`` turns that into field states.
    The sync app keeps the source, schedule and product mappings beside this.
    """

    district = models.OneToOneField(
        "rostering.Organization",
        on_delete=models.CASCADE,
        related_name="sync_configuration",
        limit_choices_to={"org_type": "district"},
    )
    shared_fields = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sync configuration"

    def __str__(self) -> str:
        return f"Sync configuration of {self.district}"

    def shared_for(self, kind: str) -> frozenset[str]:
        return frozenset(self.shared_fields.get(kind, []))
