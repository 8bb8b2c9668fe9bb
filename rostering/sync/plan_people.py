"""The planner's students and educators phase (mixed into rostering.sync.plan's planner):
each SIS user as a person record, matched with the district's, and usernames checked
platform-wide."""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from rostering import registry, usernames
from rostering.models import Educator, Origin, Student
from rostering.oneroster import reading
from rostering.oneroster.records import NOTHING_MORE
from rostering.registry import Unique
from rostering.text import clean_text
from rostering.validators import blank_to_none, validate_sis_username

from . import existing as existing_rows
from .matching import MATCH_FIELDS, Change, Incoming, plan_records
from .models import SyncSource
from .plan_fields import ATTNAME, PRODUCIBLE, _refused

# Made by _person, once each, before the other fields: the username (checked as a SIS sends
# it) and the External Assigned ID (a match key).
_MADE_ONCE = ("username", "external_id")


def person_readers(
    kind: registry.Kind, names, *, use_identifier: bool, username_field: str
) -> tuple[tuple[str, reading.Reader | None], ...]:
    """(field name, reader) of each of ``names`` (the fields this district's sync writes)
    that the SIS's user carries, as the registry says (rostering.oneroster.reading), finished
    as the sync stores it: names clean (rostering.text, whatever source built the snapshot),
    an ID blank as NULL, a rule's value as it makes it. None for the fields _person makes
    once. Built once per sync: _person runs per person."""
    read = reading.readers(kind, use_identifier=use_identifier, username_field=username_field)
    pairs: list[tuple[str, reading.Reader | None]] = []
    for name in names:
        if name not in read:
            continue
        spec, raw = kind[name], read[name]
        if name in _MADE_ONCE:
            pairs.append((name, None))
        elif spec.unique is Unique.DISTRICT:
            pairs.append((name, lambda user, raw=raw: blank_to_none(raw(user))))
        elif spec.rule:
            pairs.append((name, raw))
        else:
            pairs.append((name, lambda user, raw=raw: clean_text(raw(user))))
    return tuple(pairs)


class PeoplePhase:
    """The people phase: ``people`` plans students and educators."""

    def _person(self, kind: str, user) -> Incoming | None:
        column = self.username_field  # the OneRoster column the district chose
        sent = self.sent_username(user)
        label = f"{user.given_name} {user.family_name} ({sent or user.username})"
        try:
            username = validate_sis_username(sent)
        except ValidationError as exc:
            message = exc.messages[0]
            named = self.column(column, user.file) or column  # in the file's own words
            if exc.code == "required" and column != SyncSource.UsernameField.USERNAME:
                message = (
                    f"{named} is blank, and the sync settings take usernames from {named}: "
                    "fill it in the SIS or choose another column. Skipped."
                )
            self.error(
                user.file,
                user.row,
                user.sourced_id,
                f"{label}: {message}",
                named,
            )
            return None
        # Only the fields this district's sync writes, each made once (this runs per person).
        external_id = blank_to_none(self.external_of(user))
        values = {}
        for name, read in self.person_readers[kind]:
            if read is not None:
                values[name] = read(user)
            elif name == "username":
                values[name] = username
            else:
                values[name] = external_id
        # The registry's one verdict (length, grade, email): a value refused is a problem of
        # the record, which is not written; nothing is blanked or cut short.
        problem, name = _refused(registry.KINDS[kind], values)
        if problem:
            self.error(
                user.file,
                user.row,
                user.sourced_id,
                f"{label}: {problem} Skipped.",
                self.column(name, user.file),
            )
            return None
        related = self._related_of(kind, user)
        if not related:
            where = "school" if kind == "student" else "organization"
            self.error(
                user.file,
                user.row,
                user.sourced_id,
                f"{label} belongs to no {where} of this district; skipped.",
            )
            return None
        return Incoming(
            sourced_id=user.sourced_id,
            file=user.file,
            row=user.row,
            label=label,
            values=values,
            sis_values={k: values[k] for k in self.shared_written[kind]},
            related=related,
            active=values.get("is_active", True),
            match_keys={
                "username": usernames.key(username),  # matching ignores case
                "external_id": external_id,
                "alt_external_id": values.get("alt_external_id"),
            },
        )

    def _related_of(self, kind: str, user) -> frozenset[int]:
        """The person's organizations in this district as one shared frozenset (a student's
        schools: the district itself left out). Users of the same schools share one list of
        roles (rostering.oneroster.reader), so it is worked out once per list."""
        roles = user.roles
        found = self._related.get((kind, id(roles)))
        if found is not None and found[0] is roles:
            return found[1]
        related = self._orgs_of(user)
        if kind == "student":
            related.discard(self.district.pk)
        shared = self._shared_set(related)
        if len(self._related) < 1000:  # OneRoster 1.2 gives each user a list of their own
            self._related[(kind, id(roles))] = (roles, shared)  # kept: its id stays its own
        return shared

    def people(self) -> None:
        snapshot, district = self.snapshot, self.district
        keep = set(snapshot.rejected.get("users", set()))
        educators: list[Incoming] = []
        # Per kind, per identifier: value -> the SIS record that sent it first. The identifier
        # the district makes from the sourcedId (Alt External Assigned ID, or External) is
        # unique already, as sourcedIds are (200,000 values not held twice).
        from_sourced_id = "alt_external_id" if self.use_identifier else "external_id"
        checked = [name for name in MATCH_FIELDS if name != from_sourced_id]
        seen = {kind: {name: {} for name in checked} for kind in ("student", "educator")}

        def students():
            """Students one at a time, straight into matching (a large district's are never
            all held at once); educators, few, are kept for their turn. Every user is read
            before the students' plan looks for absent ones, so ``keep`` is whole by then."""
            for user in snapshot.users.values():
                kind = user.kind
                if not kind:
                    continue
                kind = "student" if kind == "student" else "educator"
                item = self._person(kind, user)
                _forget_values(user)
                if item is None:
                    keep.add(user.sourced_id)
                elif self._first_of(item, seen[kind], keep):
                    if kind == "student":
                        yield item
                    else:
                        educators.append(item)

        groups = {"student": students(), "educator": educators}
        complete = snapshot.is_complete("users") and snapshot.is_complete("roles")
        for kind, model, related_name in (
            ("student", Student, "schools"),
            ("educator", Educator, "organizations"),
        ):
            # Only what matching and comparing need, as light rows (.existing); apply reloads
            # whole rows of the records it changes (their history rows copy every field).
            needed = {"id", "district_id", "origin", "sis_sourced_id", "sis_values", "is_active"}
            needed |= {ATTNAME.get(n, n) for n in PRODUCIBLE[kind]}
            if kind == "educator":
                needed.add("user_id")
            else:
                needed.add("password_encrypted")  # compared with the SIS's (.passwords)
            existing = existing_rows.load(model, district, needed, self.shared_written[kind])
            through = getattr(model, related_name).through
            owner = f"{kind}_id"
            # Most people share one of a few sets of schools: one frozenset each, not one set
            # per person (about 200 bytes a student), read in the people's order so that only
            # one person's are ever gathered at a time.
            links = (
                through.objects.filter(**{f"{kind}__district": district})
                .order_by(owner)
                .values_list(owner, "organization_id")
            )
            shared_sets: dict[frozenset, frozenset] = {}
            related_of = {}
            for owner_id, pairs in groupby(links.iterator(chunk_size=5000), key=itemgetter(0)):
                orgs = frozenset(org_id for _owner, org_id in pairs)
                related_of[owner_id] = shared_sets.setdefault(orgs, orgs)

            def make(item: Incoming, model=model, sis=self.shared_written[kind]):
                # A light row, not an instance (.existing): a first sync makes one per person.
                # Its SIS values are its fields ``sis`` (Incoming.sis_values): read, not held.
                values = {**item.values, "district_id": district.pk, "origin": Origin.SYNCED}
                values["sis_sourced_id"] = item.sourced_id
                return existing_rows.new(model, values, sis)

            kp = plan_records(
                kind=kind,
                model=model,
                incoming=groups[kind],
                existing=existing,
                related_of=related_of,
                absent_means_gone=complete,
                keep_sourced_ids=keep,
                noun="students" if kind == "student" else "educators",
                make_record=make,
                kept_sis_values=self.unsent_shared.get(kind, frozenset()),
            )
            kp.synced_active = sum(1 for r in existing if r.origin == Origin.SYNCED and r.is_active)
            kp.related_of = related_of
            self.plan.kinds[kind] = kp
            self.plan.errors.extend(kp.errors)
            self.plan.warnings.extend(kp.warnings)
        self._check_usernames()

    def _first_of(self, item: Incoming, seen: dict[str, dict[str, str]], keep: set[str]) -> bool:
        """Two SIS records wanting the same username or ID: the first wins, the next errs."""
        for name in seen:
            value = item.match_keys.get(name)
            if value and value in seen[name]:
                other = seen[name][value]
                value = item.values.get(name, value)  # as sent, not its matching key
                keep.add(item.sourced_id)
                self.error(
                    item.file,
                    item.row,
                    item.sourced_id,
                    f"{item.label}: {name.replace('_', ' ')} {value} is also used by SIS "
                    f"record {other}; skipped.",
                )
                return False
        for name in seen:
            value = item.match_keys.get(name)
            if value:
                seen[name][value] = item.sourced_id
        return True

    def _check_usernames(self) -> None:
        """Usernames are unique platform-wide, ignoring case (rostering.usernames): refuse
        ones another district (or a portal sign-in that is not this educator's) already
        holds. Within the district, matching ignores case too, so a clash there is a match or
        a conflict already."""
        district = self.district
        for kind, model in (("student", Student), ("educator", Educator)):
            kp = self.plan.kinds[kind]
            wanted: dict[str, tuple[str, Change]] = {}  # key -> (username as sent, change)
            for c in kp.changes:
                if c.action == "create":
                    wanted[usernames.key(c.record.username)] = (c.record.username, c)
                elif "username" in c.changes:
                    new = c.changes["username"][1]
                    wanted[usernames.key(new)] = (new, c)
            names = [username for username, _change in wanted.values()]
            taken = usernames.holders(model.objects.exclude(district=district), names)
            if kind == "educator":
                sign_ins = usernames.holders(get_user_model().objects.all(), names)
                for folded, user in sign_ins.items():
                    if getattr(wanted[folded][1].record, "user_id", None) != user.pk:
                        taken.setdefault(folded, user)
            if not taken:
                continue
            bad = set()
            for folded, held in taken.items():
                username, change = wanted[folded]
                user = self.snapshot.users.get(change.sourced_id)
                self.error(
                    user.file if user is not None else "users.csv",
                    user.row if user is not None else 0,
                    change.sourced_id,
                    f"{change.label}: {usernames.refusal(username, held.username)} Skipped.",
                )
                bad.add(id(change))
                kp.by_sourced_id.pop(change.sourced_id, None)
                if change.record.pk:
                    kp.protected_ids.add(change.record.pk)
            kp.changes = [c for c in kp.changes if id(c) not in bad]


def _forget_values(user) -> None:
    """Drop what the plan has read of a snapshot's user once it is planned (its names,
    username, identifier, email): from then on the plan reads only the user's kind, file,
    row, password and extensions (passwords, refused usernames, enrollments' roles, product
    settings). At 50,000 students those strings are about 17 MB the plan would hold twice
    beside the district's own rows."""
    user.username = user.given_name = user.family_name = user.middle_name = ""
    user.identifier = user.email = ""
    user.more = NOTHING_MORE  # any other field the registry reads (a preferred first name)
