"""What the district's Sync pages do: who may use them, saving the configuration, queuing runs
and deciding held runs. The engine (engine.py) does the syncing; runs always go through the
task queue, never inside a request."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from accounts.permissions import Feature, has_feature
from accounts.roles import scope_for
from rostering import registry
from rostering.liveness import fail_stale, waiting_warning
from rostering.models import Organization, SyncConfiguration
from rostering.ownership import SHAREABLE_FIELDS

from . import folders
from .engine import UNEXPECTED, approve_held_run, discard_held_run, fail_run
from .models import ProductRule, SettingRule, SyncRun, SyncSource

logger = logging.getLogger(__name__)

BUSY = (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)
SOURCE_FIELDS = (
    "source_type",
    "source_format",
    "clever_id_column",
    "folder_path",
    "external_id_field",
    "username_field",
    "schedule",
    "weekday",
    "time_of_day",
    "hold_threshold_percent",
)


# ---- who may use the Sync pages -------------------------------------------------------------


def sync_district_of(user) -> Organization:
    """The district whose sync ``user`` manages. Only the district's administrators do here;
    support staff manage syncs in the support admin. Raises PermissionDenied otherwise."""
    scope = scope_for(user)
    if not has_feature(user, Feature.MANAGE_SYNC):
        raise PermissionDenied("Only the district's administrators manage its SIS sync.")
    if scope.district_id is None:
        raise PermissionDenied("Support staff manage a district's sync in the support admin.")
    return Organization.objects.get(pk=scope.district_id)


def runs_of(district: Organization) -> QuerySet[SyncRun]:
    """The district's runs, newest first, without their kept snapshots."""
    return (
        SyncRun.objects.filter(district=district)
        .defer("snapshot")
        .select_related("created_by", "decided_by")
    )


def get_run_or_404(district: Organization, pk: int) -> SyncRun:
    run = runs_of(district).filter(pk=pk).first()
    if run is None:
        raise Http404("No such sync run in your district.")
    return run


# What the status poll reads: never the snapshot, plan, warnings or errors.
RUN_STATUS_FIELDS = ("id", "status", "decided_by", "queued_at", "created_at")


def get_run_status_or_404(district: Organization, pk: int) -> SyncRun:
    """The district's run with only the fields its status poll shows, else 404."""
    run = SyncRun.objects.filter(district=district, pk=pk).only(*RUN_STATUS_FIELDS).first()
    if run is None:
        raise Http404("No such sync run in your district.")
    return run


def source_of(district: Organization) -> SyncSource:
    """The district's saved source, or an unsaved one with the defaults."""
    return SyncSource.objects.filter(district=district).first() or SyncSource(district=district)


def shared_fields_for(district: Organization) -> dict[str, list[str]]:
    config = SyncConfiguration.objects.filter(district=district).first()
    fields = config.shared_fields if config else {}
    return {kind: sorted(set(fields.get(kind, [])) & allowed) for kind, allowed in _shareable()}


def _shareable():
    return [(kind, allowed) for kind, allowed in SHAREABLE_FIELDS.items() if allowed]


def clever_sends(kind: str, field: str) -> bool:
    """Whether Clever's files have a column for ``field`` of ``kind`` (``Field.clever``)."""
    return bool(registry.KINDS[kind][field].clever)


def clever_refusals(shared_fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """{kind: [sentence, ...]} for each shared field Clever's files have no column for: with
    Clever's files, every sync would leave it as it is and warn
    (rostering.oneroster.reading.unsent), so it cannot be shared."""
    found: dict[str, list[str]] = {}
    for kind, names in shared_fields.items():
        for name in names:
            if name in SHAREABLE_FIELDS.get(kind, ()) and not clever_sends(kind, name):
                label = registry.KINDS[kind][name].label
                found.setdefault(kind, []).append(
                    f"Clever's files have no column for {label.lower()}: untick {label}, or "
                    "have the SIS send OneRoster files."
                )
    return found


# ---- configuration --------------------------------------------------------------------------


@transaction.atomic
def sync_settings_save(
    *,
    actor,
    district: Organization,
    values: dict,
    shared_fields: dict[str, list[str]],
    upload: tuple[str, bytes] | None = None,
) -> SyncSource:
    """Save the source, schedule and hold threshold, the uploaded snapshot (if any) and which
    optional fields the SIS sends. Values were checked by the form; the model checks again,
    and a folder source must be the district's own SIS folder (rostering.sync.folders), whoever
    saves it (the Sync page or the support admin)."""
    source = SyncSource.objects.select_for_update().filter(district=district).first()
    source = source or SyncSource(district=district)
    for name in SOURCE_FIELDS:
        if name in values:
            setattr(source, name, values[name])
    if source.source_type == SyncSource.SourceType.ONEROSTER_FOLDER:
        source.folder_path = folders.clean_folder(district, source.folder_path)
    if upload is not None:
        source.uploaded_name, source.uploaded_snapshot = upload
    source.full_clean(exclude=["district"])
    source.save()
    unknown = {
        kind: sorted(set(names) - SHAREABLE_FIELDS.get(kind, frozenset()))
        for kind, names in shared_fields.items()
    }
    if any(unknown.values()):
        raise ValidationError(f"These fields cannot be sent by the SIS: {unknown}.")
    if source.source_format == SyncSource.Format.CLEVER:
        refused = clever_refusals(shared_fields)
        if refused:
            raise ValidationError([m for messages in refused.values() for m in messages])
    config, _ = SyncConfiguration.objects.get_or_create(district=district)
    config.shared_fields = {kind: sorted(names) for kind, names in shared_fields.items() if names}
    config.save()
    logger.info("Sync settings of %s saved by %s", district, actor)
    return source


def product_rule_add(
    *, actor, district: Organization, match_field: str, pattern: str, product
) -> ProductRule:
    """Classes whose course code / subject / class code matches ``pattern`` get ``product``."""
    rule = ProductRule(
        district=district, match_field=match_field, pattern=pattern.strip(), product=product
    )
    rule.full_clean()
    if ProductRule.objects.filter(
        district=district,
        match_field=match_field,
        pattern__iexact=rule.pattern,
        product=product,
    ).exists():
        raise ValidationError({"pattern": "This rule exists already."})
    rule.save()
    logger.info("Product rule %s added to %s by %s", rule, district, actor)
    return rule


def setting_rule_add(
    *, actor, district: Organization, column: str, setting, value_map: dict
) -> SettingRule:
    """Students' ``column`` value (through ``value_map``) sets ``setting``. Every mapped value
    must be one the setting allows."""
    for sis_value, value in value_map.items():
        try:
            setting.validate_value(value)
        except ValidationError as exc:
            raise ValidationError(
                {"value_map": f"{sis_value} = {value}: {exc.messages[0]}"}
            ) from None
    rule = SettingRule(district=district, column=column.strip(), setting=setting)
    rule.value_map = value_map
    rule.full_clean()
    if SettingRule.objects.filter(
        district=district, column__iexact=rule.column, setting=setting
    ).exists():
        raise ValidationError({"column": "This column already sets this setting."})
    rule.save()
    logger.info("Setting rule %s added to %s by %s", rule, district, actor)
    return rule


def rule_remove(*, actor, district: Organization, model, pk: int) -> None:
    """Remove one of the district's product or setting rules (404 for another district's)."""
    deleted, _ = model.objects.filter(district=district, pk=pk).delete()
    if not deleted:
        raise Http404("No such rule in your district.")
    logger.info("%s %s of %s removed by %s", model.__name__, pk, district, actor)


# ---- runs -----------------------------------------------------------------------------------


def sync_enqueue(*, actor, district: Organization, dry_run: bool) -> SyncRun:
    """Queue a sync (or a dry run) of the district; the task runs it after this commits.
    Refused while another run is queued or running, or (for a real sync) while a held run
    waits for a decision. A run whose worker is gone is failed first, so it never blocks."""
    from .tasks import run_sync_task

    fail_stale()
    with transaction.atomic():
        SyncSource.objects.select_for_update().filter(district=district).first()
        source = source_of(district)
        if source.pk is None or not (source.uploaded_snapshot or source.folder_path):
            raise ValidationError(
                f"Set up the source first: upload a zip of the {source.files_in_use} files or "
                "give the SIS folder."
            )
        if SyncRun.objects.filter(district=district, status__in=BUSY).exists():
            raise ValidationError("A sync of your district is already queued or running.")
        if (
            not dry_run
            and SyncRun.objects.filter(district=district, status=SyncRun.Status.HELD).exists()
        ):
            raise ValidationError(
                "A held run is waiting for a decision: approve or discard it first."
            )
        run = SyncRun.objects.create(
            district=district,
            trigger=SyncRun.Trigger.MANUAL,
            dry_run=dry_run,
            created_by=actor,
            queued_at=timezone.now(),
        )
        transaction.on_commit(lambda: _enqueue(run_sync_task, run.pk))
    return run


def held_run_approve(*, actor, run: SyncRun) -> SyncRun:
    """Queue the application of a held run (re-planned against the data of that moment)."""
    with transaction.atomic():
        locked = SyncRun.objects.select_for_update().defer("snapshot").get(pk=run.pk)
        if locked.status != SyncRun.Status.HELD:
            raise ValidationError("Only a held run can be approved.")
        if locked.decided_by_id:
            raise ValidationError("This run is approved already and is being applied.")
        locked.decided_by = actor
        locked.queued_at = timezone.now()
        locked.save(update_fields=["decided_by", "queued_at"])
        transaction.on_commit(lambda: _enqueue(apply_held_run_task, locked.pk))
    return locked


def held_run_discard(*, actor, run: SyncRun) -> SyncRun:
    """Discard a held run: nothing of it is applied."""
    with transaction.atomic():
        locked = SyncRun.objects.select_for_update().defer("snapshot").get(pk=run.pk)
        if locked.status == SyncRun.Status.HELD and locked.decided_by_id:
            raise ValidationError("This run is approved already and is being applied.")
        return discard_held_run(run=locked, actor=actor)


def run_cancel(*, actor, run: SyncRun, reason: str) -> bool:
    """Support staff stop a stuck run (queued, running, or approved and waiting to be
    applied), recording who and why; the district can sync again at once. A worker still at
    it rolls back when it sees the run was stopped. False for a run that is not stuck."""
    who = getattr(actor, "username", "") or "support"
    why = reason.strip() or "it was stuck"
    stuck = SyncRun.objects.filter(pk=run.pk).filter(
        Q(status__in=BUSY) | Q(status=SyncRun.Status.HELD, decided_by__isnull=False)
    )
    cancelled = stuck.update(
        status=SyncRun.Status.FAILED,
        finished_at=timezone.now(),
        snapshot=None,
        failure_reason=f"Support ({who}) cancelled this run: {why}. Nothing was applied.",
    )
    if cancelled:
        logger.warning("Sync run %s cancelled by %s: %s", run.pk, who, why)
    return bool(cancelled)


def run_worker_warning(run: SyncRun) -> str:
    """The worker-down message while the run waits for a worker longer than it should."""
    waiting = run.status == SyncRun.Status.QUEUED or (
        run.status == SyncRun.Status.HELD and bool(run.decided_by_id)
    )
    return waiting_warning(waiting, run.queued_at or run.created_at)


@task()
def apply_held_run_task(run_id: int) -> None:
    """Apply an approved held run in the background (approved on the Sync page)."""
    run = SyncRun.objects.select_related("district", "decided_by").filter(pk=run_id).first()
    if run is None or run.status != SyncRun.Status.HELD:
        return  # discarded or applied meanwhile
    try:
        approve_held_run(run=run, actor=run.decided_by)
    except Exception:  # noqa: BLE001 - never leave a run running
        logger.exception("Applying held run %s failed", run_id)
        fail_run(run_id, UNEXPECTED)


def _enqueue(task_function, run_id: int) -> None:
    result = task_function.enqueue(run_id)
    SyncRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])
