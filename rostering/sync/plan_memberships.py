"""The planner's memberships phase (mixed into rostering.sync.plan's planner): the
enrollments as class rosters, diffed with the district's, under the at-school rule
(rostering.memberships)."""

from __future__ import annotations

from rostering import memberships
from rostering.models import ClassEducator, ClassStudent, Organization
from rostering.oneroster.records import STAFF_ROLES, STUDENT_ROLES, TO_BE_DELETED, role_mismatch

from . import roster_pairs
from .matching import Change
from .new_pairs import NewPairs

_UNKNOWN = object()


class MembershipPhase:
    """The memberships phase: ``memberships`` plans the rosters."""

    def memberships(self) -> None:
        plan, snapshot = self.plan, self.snapshot
        classes = self._managed("class_group")
        students = self._managed("student")
        educators = self._managed("educator")
        gone_people = {kind: _gone(plan.kinds[kind]) for kind in ("student", "educator")}
        gone_classes = _gone(plan.kinds["class_group"])
        protected = {
            "student": plan.kinds["student"].protected_ids,
            "educator": plan.kinds["educator"].protected_ids,
        }
        # Pairs between records that exist: compact, diffed as sets (.roster_pairs); a pair
        # with a record this run creates is an add at once (no such row can exist yet).
        known = {"student": roster_pairs.pairs(), "educator": roster_pairs.pairs()}
        # Pairs with a record this run creates, each once (.new_pairs).
        fresh = {"student": NewPairs(), "educator": NewPairs()}
        adds_of = {"student": plan.student_adds, "educator": plan.educator_adds}
        users = snapshot.users
        at_school = self._at_school()
        # Walked once, record by record (a OneRoster set's are built from their file as they
        # come: rostering.oneroster.enrollments), straight into the pairs the database diffs.
        # This loop runs per enrollment (200,000 at 50,000 students): a user's kind is asked
        # once here, and the role rule's common answer needs no call (role_mismatch words it).
        for enrollment in snapshot.enrollments:
            if enrollment.status == TO_BE_DELETED:
                continue
            cls = classes.get(enrollment.class_sourced_id)
            user = users.get(enrollment.user_sourced_id)
            if cls is None or user is None:
                continue
            user_kind = user.kind
            student = user_kind == "student"
            if enrollment.role not in (STUDENT_ROLES if student else STAFF_ROLES):
                mismatch = role_mismatch(enrollment.role, user)
                self.warn(enrollment.file, enrollment.row, enrollment.sourced_id, mismatch, "role")
                continue
            kind = "student" if student else "educator"
            person = (students if student else educators).get(enrollment.user_sourced_id)
            if person is None:
                continue
            problem = at_school(cls, person, kind)
            if problem:  # the membership rule (rostering.memberships): reported, left out
                self.error(enrollment.file, enrollment.row, enrollment.sourced_id, problem)
                continue
            class_id, person_id = cls.id, person.id  # .id, not .pk: this runs per enrollment
            if class_id is not None and person_id is not None:
                known[kind].extend((class_id, person_id))
            else:
                fresh[kind].add(adds_of[kind], cls, person)
        for kind, pairs in fresh.items():
            pairs.drop_repeats(adds_of[kind])
        del fresh
        snapshot.enrollments = []  # the plan was their only reader
        managed_class_ids = {cls.pk for cls in classes.values() if cls.pk}
        class_by_pk = {cls.pk: cls for cls in classes.values() if cls.pk}
        for kind, model, people, adds, removes in (
            ("student", ClassStudent, students, plan.student_adds, plan.student_removes),
            ("educator", ClassEducator, educators, plan.educator_adds, plan.educator_removes),
        ):
            pairs_added, rows_removed = roster_pairs.diff(
                model,
                f"{kind}_id",
                self.district.pk,
                known.pop(kind),
                gone_people=gone_people[kind],
                gone_classes=gone_classes,
                managed_classes=managed_class_ids,
                protected=protected[kind],
            )
            removes.extend(rows_removed)
            if pairs_added:
                person_by_pk = {p.pk: p for p in people.values() if p.pk}
                for c, m in pairs_added:
                    adds += (class_by_pk[c], person_by_pk[m])

    def _at_school(self):
        """A check of the membership rule for (class record, person record, kind): None, or
        the problem to report. The person's schools and the class's school are taken as
        this sync leaves them (new organizations by their plan keys)."""
        plan = self.plan
        school_of = {}
        for change in plan.kinds["class_group"].changes:
            record = change.record
            if change.action == "create":
                school_of[id(record)] = record._school_key
            else:
                school_of[id(record)] = change.changes.get("school_id", (None, record.school_id))[1]
        # Only people whose schools this sync sets or moves (all of them at a first sync).
        moved = {
            id(c.record): c
            for kind in ("student", "educator")
            for c in plan.kinds[kind].changes
            if c.related_add or c.related_remove
        }
        current = {kind: plan.kinds[kind].related_of for kind in ("student", "educator")}

        def schools(person, kind: str):
            person_id = person.id  # .id, not .pk: this runs per enrollment
            before = current[kind].get(person_id, ()) if person_id else ()
            if not moved:
                return before
            change = moved.get(id(person))
            if change is None:
                return before
            if not before:
                return change.related_add  # no new set for a new person
            return (set(before) - change.related_remove) | change.related_add

        names = {plan.org_keys.get(o.sourced_id): o.record.name for o in plan.orgs}

        def name_of(key) -> str:
            if key not in names:
                names[key] = str(Organization.objects.filter(pk=key).first() or key)
            return names[key]

        def check(cls, person, kind: str) -> str | None:
            school = school_of.get(id(cls), _UNKNOWN)
            if school is _UNKNOWN:
                school = getattr(cls, "school_id", None)
            if school is None or school in schools(person, kind):
                return None
            name = f"{person.first_name} {person.last_name}".strip()
            return f"{memberships.not_at_school(name, name_of(school), cls.name)} Skipped."

        return check


def _gone(kind_plan) -> set[int]:
    """The pks of the kind's existing records that are inactive after the plan."""
    gone = {c.record.pk for c in kind_plan.changes if c.record.pk and not _active_after(c)}
    return gone | {r.pk for r in kind_plan.unchanged if not r.is_active}


def _active_after(change: Change) -> bool:
    if "is_active" in change.changes:
        return bool(change.changes["is_active"][1])
    return bool(change.record.is_active)
