"""A OneRoster snapshot turned into rows of the import templates (Organizations, Educators,
Classes/Groups, Students), so the template kinds' checkers and writers apply every rule.

Each row keeps the OneRoster file, row number and sourcedId it came from, so a problem found
by a checker is reported where the user can find it. Values go in as the SIS sent them: the
template's cells give the registry's verdict (a bad email or grade is a problem of the
record, never blanked). What cannot be imported but does not stop the import (a parent, a
record marked tobedeleted, a class no product rule gives a product) is a warning here.
"""

from __future__ import annotations

from django.db.models import Choices

from rostering import registry
from rostering.models import Organization
from rostering.oneroster import TO_BE_DELETED, Snapshot, reading
from rostering.oneroster.class_org_reading import org_readers
from rostering.oneroster.field_columns import column_of
from rostering.sync.models import SyncSource

from .engine import RowError
from .engine_parts.cells import join_many
from .engine_parts.context import fold
from .oneroster_classes import ClassRows, SourceRow, Step

DISTRICT_LEVEL = frozenset({"district", "state", "national"})


class Translator(ClassRows):
    """Builds each step's rows from the snapshot, resolving references against what the
    earlier steps wrote (so it runs inside the import's transaction, step by step)."""

    def __init__(
        self,
        *,
        district,
        snapshot: Snapshot,
        file_names: set[str],
        warnings: list[RowError],
        errors: list[RowError] | None = None,
    ):
        self.district = district
        self.file_names = file_names
        self.snapshot = snapshot
        self.warnings = warnings
        self.errors = errors if errors is not None else []
        # sourcedIds an earlier step's checker refused, by step kind: later steps leave
        # references to them out, so each problem is told once, at its record (the import is
        # refused anyway).
        self.refused: dict[str, set[str]] = {}
        source = SyncSource.objects.filter(district=district).first()
        id_field = source.external_id_field if source else SyncSource.IdField.IDENTIFIER
        self.use_identifier = id_field == SyncSource.IdField.IDENTIFIER
        self.clever_id = source.clever_id_column if source else ""
        # The column usernames come from: the district's choice, as the sync takes them
        # (DESIGN.md rule 9), so that an import and a sync of one set name people alike.
        self.username_field = (
            source.username_field if source and source.username_field else "username"
        )
        # How the SIS's user carries each field, as the registry says.
        self._readers = {
            kind: reading.readers(
                registry.KINDS[kind],
                use_identifier=self.use_identifier,
                username_field=self.username_field,
            )
            for kind in ("student", "educator")
        }
        self._org_readers = org_readers(use_identifier=self.use_identifier)
        self.imported_classes: set[str] = set()
        self.without_product = {"classes": 0, "enrollments": 0}
        self.no_product: list[RowError] = []  # the warning of each class left out for it
        self.enrolled: dict | None = None
        self._people = self._sort_people()

    def warn(self, file: str, row: int, record: str, message: str, field: str = "") -> None:
        prefix = f"{record}: " if record else ""
        self.warnings.append(
            RowError(
                row, file, prefix + message, file=file, record=record, field=field, detail=message
            )
        )

    def error(self, file: str, row: int, record: str, field: str, message: str) -> None:
        self.errors.append(
            RowError(
                row,
                file,
                f"{record}: {message}",
                file=file,
                record=record,
                field=field,
                detail=message,
            )
        )

    def column_of(self, kind: str, field: str, file: str = "") -> str:
        """The column of ``file`` (OneRoster's or Clever's) a step's field was read from (""
        when none is)."""
        if field in ("external_id", "alt_external_id"):
            first = "identifier" if self.use_identifier else "sourcedId"
            second = "sourcedId" if self.use_identifier else "identifier"
            field = first if field == "external_id" else second
            return column_of(field, kind, file, self.clever_id) or field
        if field == "username" and self.username_field != "username":
            column = self.username_field  # the column the district takes usernames from
            return column_of(column, kind, file, self.clever_id) or column
        return column_of(field, kind, file, self.clever_id)

    def _external_id(self, org) -> str:
        """An organization's External Assigned ID as the district's sync reads it (identifier
        or sourcedId, SyncSource.external_id_field: the registry's reader)."""
        return self._org_readers["external_id"](org)

    def _person_step(self, step_kind: str, kind: str, with_classes: bool = False) -> Step:
        """The step of ``kind``'s people: the template's columns the SIS's user fills (the
        registry's fields with a OneRoster column that a user carries, and its organizations
        and classes), in the template's order. Not a field users.csv has no column for
        (Snapshot.unsent): a record's own value stays, as a template without the column
        leaves it."""
        readers, unsent = self._readers[kind], self.snapshot.unsent.get(kind, frozenset())
        fields = [
            spec.name
            for spec in registry.KINDS[kind].template_fields
            if spec.oneroster and (spec.name in readers or spec.many)
            if with_classes or spec.name != "classes"
            if spec.name not in unsent
        ]
        return Step(step_kind, fields)

    def _person_cells(self, kind: str, user, fields: list[str], related: dict) -> dict:
        """A person's cells: ``related`` (its organizations and classes, as rows name them),
        and each other field as the SIS's user carries it (rostering.oneroster.reading: the
        IDs as the district's sync reads them), as the SIS sent it: the template's checks give
        the verdict. A choice is the template's word for it (Administrator)."""
        readers = self._readers[kind]
        cells = {}
        for name in fields:
            if name in related:
                cells[name] = related[name]
            else:
                value = readers[name](user)
                cells[name] = value.label if isinstance(value, Choices) else value
        return cells

    # organizations --------------------------------------------------------------------------

    def org_levels(self) -> list[list[str]]:
        """The organizations to import (sourcedIds), parents before children: one list per
        level of the tree, so that a child's Parent Organization exists when it is checked."""
        self.orgs = {
            key: org
            for key, org in self.snapshot.orgs.items()
            if org.type not in DISTRICT_LEVEL and self._org_kept(org)
        }
        depth: dict[str, int] = {}

        def level(key: str, seen: tuple = ()) -> int:
            if key not in depth:
                parent = self.orgs[key].parent_sourced_id
                if parent in self.orgs and parent not in seen:
                    depth[key] = level(parent, (*seen, key)) + 1
                else:
                    depth[key] = 0
            return depth[key]

        levels: dict[int, list[str]] = {}
        for key in self.orgs:
            levels.setdefault(level(key), []).append(key)
        return [levels[n] for n in sorted(levels)]

    def organizations(self, keys: list[str]) -> Step:
        """The Organizations rows: the template's columns an org carries, as the registry's
        readers read them (rostering.oneroster.class_org_reading, as the sync does); its
        parent as a row names it (one of the set's organizations, else the district)."""
        readers = self._org_readers
        fields = [
            spec.name for spec in registry.ORGANIZATION.template_fields if spec.name in readers
        ]
        step = Step("organizations", fields)
        references = registry.ORGANIZATION.references
        for key in keys:
            org = self.orgs[key]
            cells = {}
            for name in fields:
                value = readers[name](org)
                if name in references:
                    value = self.org_ref(value) if value in self.orgs else ""
                cells[name] = value.label if isinstance(value, Choices) else value
            step.rows.append(SourceRow("orgs.csv", org.row, key, cells))
        return step

    def _org_kept(self, org) -> bool:
        if org.status == TO_BE_DELETED:
            self.warn(
                "orgs.csv",
                org.row,
                org.sourced_id,
                f"{org.name} is marked tobedeleted; it is not imported.",
            )
            return False
        return True

    def org_ref(self, sourced_id: str) -> str:
        """How a row names the organization (its ID, else its name), "" when unknown."""
        org = self.snapshot.orgs.get(sourced_id)
        if org is None or sourced_id in self.refused.get("organizations", ()):
            return ""
        if org.type in DISTRICT_LEVEL:
            return self.district.name
        external = self._external_id(org)
        found = None
        if external:
            found = Organization.objects.filter(district=self.district, external_id=external)
            found = found.first()
        if found is None:
            named = [
                o
                for o in Organization.objects.filter(district=self.district, name__iexact=org.name)
                if fold(o.name) == fold(org.name)
            ]
            found = named[0] if len(named) == 1 else None
        if found is None:
            return external or org.name  # the checker reports it as unknown
        return found.external_id or found.name

    # people ---------------------------------------------------------------------------------

    def _sort_people(self) -> dict[str, list]:
        people: dict[str, list] = {"student": [], "educator": []}
        for user in self.snapshot.users.values():
            kind = user.kind
            label = f"{user.given_name} {user.family_name} ({user.username})"
            if not kind:
                roles = ", ".join(sorted({r.role for r in user.roles})) or "no role"
                self.warn(
                    user.file,
                    user.row,
                    user.sourced_id,
                    f"{label} is a {roles}, not a student, teacher or administrator; "
                    "not imported.",
                )
                continue
            if user.status == TO_BE_DELETED:
                self.warn(
                    user.file,
                    user.row,
                    user.sourced_id,
                    f"{label} is marked tobedeleted; not imported (deactivate them in Homeroom "
                    "if they have left).",
                )
                continue
            if not user.enabled:  # OneRoster: the SIS has disabled the account
                self.warn(
                    user.file,
                    user.row,
                    user.sourced_id,
                    f"{label} has enabledUser false; not imported (the sync deactivates them).",
                )
                continue
            people["student" if kind == "student" else "educator"].append(user)
        return people

    def people_count(self) -> int:
        """Students, teachers and administrators the set sends to import (not tobedeleted)."""
        return sum(len(people) for people in self._people.values())

    def educators(self) -> Step:
        step = self._person_step("educators", "educator")
        refs = self._refs()
        for user in self._people["educator"]:
            orgs = self._orgs_of(user, refs)
            if not orgs:
                continue
            related = {"organizations": join_many(dict.fromkeys(orgs))}
            cells = self._person_cells("educator", user, step.fields, related)
            step.rows.append(SourceRow(user.file, user.row, user.sourced_id, cells))
        return step

    def _refs(self) -> dict[str, str]:
        return {key: self.org_ref(key) for key in self.snapshot.orgs}

    # students -------------------------------------------------------------------------------

    def students(self) -> Step:
        with_classes = "enrollments.csv" in self.file_names
        if with_classes and "enrollments" in self.snapshot.delta:
            self.warn(
                "enrollments.csv",
                0,
                "",
                "The manifest marks enrollments.csv as a delta file; each student's "
                "classes/groups are set to the ones it lists.",
            )
        # The password among them: the template's rules (kept encrypted, blank keeps the
        # current one).
        step = self._person_step("students", "student", with_classes)
        refs = self._refs()
        class_refs = self._class_refs() if with_classes else {}
        enrolled = self.enrolled if self.enrolled is not None else self._enrolled()
        by_student: dict[str, list[str]] = {}
        for key, members in enrolled.items():
            for user_id in members["student"]:
                if key in class_refs:
                    by_student.setdefault(user_id, []).append(class_refs[key])
        for user in self._people["student"]:
            orgs = self._orgs_of(user, refs, school=True)
            if not orgs:
                continue
            related = {"schools": join_many(dict.fromkeys(orgs))}
            if with_classes:
                classes = by_student.get(user.sourced_id, [])
                related["classes"] = join_many(dict.fromkeys(classes))
            cells = self._person_cells("student", user, step.fields, related)
            step.rows.append(SourceRow(user.file, user.row, user.sourced_id, cells))
        return step

    def _class_refs(self) -> dict[str, str]:
        """class sourcedId -> how a Students row names it (its External Assigned ID, which the
        classes step wrote), for the classes imported."""
        refused = self.refused.get("classes", set())
        return {key: key for key in self.imported_classes if key not in refused}

    def _orgs_of(self, user, refs: dict[str, str], *, school: bool = False) -> list[str]:
        """How the user's rows name its organizations (a student's: its schools, not the
        district); none, with an error in OneRoster's words, when none can be named."""
        orgs = [refs[o] for o in user.org_sourced_ids if refs.get(o)]
        if school:
            orgs = [o for o in orgs if o != self.district.name]
        if orgs:
            return list(dict.fromkeys(orgs))
        named = ", ".join(user.org_sourced_ids) or "(none)"
        refused_orgs = self.refused.get("organizations", set())
        refused = [o for o in user.org_sourced_ids if o in refused_orgs]
        if refused:
            why = (
                f"organization {', '.join(refused)} was refused (see its error in orgs.csv); "
                "the user is left out."
            )
        elif not user.org_sourced_ids:
            why = "names no organization; give the user's school."
        elif all(o in self.snapshot.orgs for o in user.org_sourced_ids) and school:
            why = (
                f"{named} is the district, not a school; a student needs the sourcedId of "
                "the student's school."
            )
        else:
            why = (
                f"{named} is not in orgs.csv; add the organization to orgs.csv or correct "
                "the user's orgSourcedIds."
            )
        field = "schools" if school else "organizations"
        column = column_of(field, file=user.file, clever_id=self.clever_id)
        self.error(user.file, user.row, user.sourced_id, column, why)
        return []
