"""Builds the demo region: fictional hospitals, practices and people with valid identifiers.

Deterministic (a fixed random seed) and idempotent (a region that exists is left alone).
``scale`` multiplies every count, for benchmarks. Rows are inserted in bulk: the demo is
generated reference data, not user edits, so it does not go through the per-entry actions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from schakel.accounts.models import User
from schakel.demo import names
from schakel.demo.consultations import build_demo_consultations
from schakel.demo.handovers import build_demo_handovers
from schakel.demo.mdo import build_demo_mdo
from schakel.demo.messaging import build_demo_questions
from schakel.demo.pathways import build_demo_pathways
from schakel.demo.patients import build_demo_patients
from schakel.demo.proms import build_demo_proms
from schakel.directory.models import (
    ContactPoint,
    ContactReport,
    ContactTopic,
    Function,
    Organization,
    OrganizationKind,
    Practitioner,
    PractitionerRole,
    Region,
    ReportReason,
    TumourType,
    dutch_sort_key,
)

REGION_NAME = "Oncologienetwerk Zuidwest (demo)"
DEMO_PASSWORD = "schakel-demo"  # noqa: S105 - printed for the local demo on purpose
DEMO_DOMAIN = "schakel.test"  # a reserved top-level domain: no mail can leave for real people

# (e-mail local part, description, function)
PERSONAS = [
    ("huisarts", "GP (huisarts)", Function.GP),
    ("poh", "practice nurse oncology (POH)", Function.POH_ONCOLOGY),
    ("specialist", "medical oncologist", Function.MEDICAL_ONCOLOGIST),
    ("casemanager", "network case manager", Function.CASE_MANAGER),
    ("coordinator", "network coordinator", Function.NETWORK_COORDINATOR),
    ("privacy", "privacy officer", Function.PRIVACY_OFFICER),
]

ALWAYS_TREATED = ["borstkanker", "longkanker", "darmkanker", "prostaatkanker"]
ROTATING = [
    "urologisch",
    "slokdarm-maag",
    "hpb",
    "gynaecologisch",
    "hoofd-hals",
    "huidkanker",
    "hematologie",
    "hersentumoren",
    "sarcomen",
    "schildklier",
]

# tumour type → (treating function, local title, nurse specialist title, outpatient clinic)
TUMOUR_TEAMS: dict[str, tuple[Function, str, str, str]] = {
    "borstkanker": (
        Function.SURGEON,
        "chirurg-oncoloog",
        "verpleegkundig specialist mammacare",
        "Mammapoli",
    ),
    "longkanker": (
        Function.PULMONOLOGIST,
        "longarts",
        "verpleegkundig specialist longoncologie",
        "Longpoli",
    ),
    "darmkanker": (
        Function.SURGEON,
        "gastro-intestinaal chirurg",
        "verpleegkundig specialist darmkanker",
        "Darmpoli",
    ),
    "prostaatkanker": (
        Function.UROLOGIST,
        "uroloog",
        "verpleegkundig specialist uro-oncologie",
        "Prostaatpoli",
    ),
    "urologisch": (
        Function.UROLOGIST,
        "uroloog",
        "verpleegkundig specialist uro-oncologie",
        "Uro-oncologiepoli",
    ),
    "slokdarm-maag": (
        Function.GASTROENTEROLOGIST,
        "maag-darm-leverarts",
        "verpleegkundig specialist slokdarm-maag",
        "MDL-poli",
    ),
    "hpb": (Function.SURGEON, "HPB-chirurg", "verpleegkundig specialist HPB", "HPB-poli"),
    "gynaecologisch": (
        Function.GYNAECOLOGIST,
        "gynaecoloog-oncoloog",
        "verpleegkundig specialist gynaecologische oncologie",
        "Gynaecologie-oncologiepoli",
    ),
    "hoofd-hals": (
        Function.SURGEON,
        "KNO-arts / hoofd-halschirurg",
        "verpleegkundig specialist hoofd-hals",
        "Hoofd-halspoli",
    ),
    "huidkanker": (
        Function.MEDICAL_ONCOLOGIST,
        "internist-oncoloog (melanoom)",
        "verpleegkundig specialist melanoom",
        "Melanoompoli",
    ),
    "hematologie": (
        Function.HAEMATOLOGIST,
        "hematoloog",
        "verpleegkundig specialist hematologie",
        "Hematologiepoli",
    ),
    "hersentumoren": (
        Function.MEDICAL_ONCOLOGIST,
        "neuro-oncoloog",
        "verpleegkundig specialist neuro-oncologie",
        "Neuro-oncologiepoli",
    ),
    "sarcomen": (
        Function.SURGEON,
        "chirurg-oncoloog (sarcomen)",
        "verpleegkundig specialist sarcomen",
        "Sarcomenpoli",
    ),
    "schildklier": (
        Function.SURGEON,
        "endocrien chirurg",
        "verpleegkundig specialist schildklier",
        "Schildklierpoli",
    ),
}

HOURS = ["ma–vr 8:30–17:00", "ma–vr 9:00–16:30", "ma, di, do 8:30–17:00", "ma–do 9:00–17:00"]


@dataclass
class DemoSummary:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def logins() -> list[tuple[str, str]]:
        return [(f"{local}@{DEMO_DOMAIN}", description) for local, description, _ in PERSONAS]


Entry = TypeVar("Entry", PractitionerRole, ContactPoint)


@dataclass
class _Pending(Generic[Entry]):
    """An entry waiting for its bulk insert, with the codes of its tumour types and topics."""

    entry: Entry
    tumour_types: list[str]
    topics: list[str]


class _Ids:
    """Unique, correctly shaped identifiers, each kind from its own counter."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.counters: dict[str, int] = {}

    def next(self, kind: str, limit: int) -> int:
        number = self.counters.get(kind, 0) + 1
        if number > limit:
            raise ValueError(f"the demo scale needs more {kind} numbers than fit their format")
        self.counters[kind] = number
        return number

    def agb(self, prefix: str) -> str:
        return f"{prefix}{self.next(f'agb{prefix}', 999_999):06d}"

    def ura(self) -> str:
        return f"{20000000 + self.next('ura', 2_000_000) * 37:08d}"

    def big(self) -> str:
        return f"{19000000000 + self.next('big', 10_000_000) * 7919:011d}"

    def uzi(self) -> str:
        return f"{900000000 + self.next('uzi', 7_000_000) * 13:09d}"

    def postal_code(self) -> str:
        letters = "ABCDEFGHJKLMNPRSTVWXZ"
        return (
            f"{self.rng.randrange(1000, 9999)} {self.rng.choice(letters)}{self.rng.choice(letters)}"
        )

    def phone(self, area: str) -> str:
        number = self.rng.randrange(1000000, 9999999)
        return f"{area} {str(number)[:3]} {str(number)[3:5]} {str(number)[5:]}"


class _Builder:
    def __init__(self, scale: int) -> None:
        self.scale = scale
        self.rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not security
        self.ids = _Ids(self.rng)
        self.now = timezone.now()
        self.tumour_types = {t.code: t for t in TumourType.objects.all()}
        self.topics = {t.code: t for t in ContactTopic.objects.all()}
        self.practitioners: list[Practitioner] = []
        self.roles: list[_Pending[PractitionerRole]] = []
        self.points: list[_Pending[ContactPoint]] = []

    # --- helpers ---------------------------------------------------------------------------
    def verified_at(self) -> datetime | None:
        roll = self.rng.random()
        if roll < 0.06:
            return None
        if roll < 0.16:  # stale: verified more than six months ago
            return self.now - timedelta(days=self.rng.randrange(200, 500))
        return self.now - timedelta(days=self.rng.randrange(1, 170))

    def person(self, *, with_big: bool = True) -> Practitioner:
        prefix, family = self.rng.choice(names.FAMILY_NAMES)
        given = self.rng.choice(names.GIVEN_NAMES)
        practitioner = Practitioner(
            given_name=given,
            name_prefix=prefix,
            family_name=family,
            sort_name=dutch_sort_key(family, given),
            big=self.ids.big() if with_big else "",
            agb=self.ids.agb("01"),
            uzi=self.ids.uzi(),
        )
        self.practitioners.append(practitioner)
        return practitioner

    def role(
        self,
        practitioner: Practitioner,
        organization: Organization,
        function: Function,
        *,
        title: str = "",
        tumour_types: list[str] | None = None,
        topics: list[str] | None = None,
        phone: str = "",
        secure_messaging: bool = False,
    ) -> PractitionerRole:
        role = PractitionerRole(
            practitioner=practitioner,
            organization=organization,
            function=function,
            title=title,
            phone=phone,
            hours=self.rng.choice(HOURS),
            secure_messaging=secure_messaging,
            last_verified_at=self.verified_at(),
        )
        self.roles.append(_Pending(role, tumour_types or [], topics or []))
        return role

    def point(
        self,
        organization: Organization,
        name: str,
        *,
        description: str = "",
        tumour_types: list[str] | None = None,
        topics: list[str] | None = None,
        always: bool = False,
        area: str,
    ) -> None:
        point = ContactPoint(
            organization=organization,
            name=name,
            description=description,
            phone=self.ids.phone(area),
            hours="" if always else self.rng.choice(HOURS),
            always_available=always,
            secure_messaging=not always,
            last_verified_at=self.verified_at(),
        )
        self.points.append(_Pending(point, tumour_types or [], topics or []))

    # --- the region ------------------------------------------------------------------------
    def build(self) -> DemoSummary:
        region = Region.objects.create(name=REGION_NAME)
        hospitals = self.hospitals(region)
        practices = self.practices(region)
        network = Organization.objects.create(
            region=region,
            kind=OrganizationKind.NETWORK,
            name="Oncologienetwerk Zuidwest",
            ura=self.ids.ura(),
            city=names.PLACES[0],
            phone=self.ids.phone("088"),
            last_verified_at=self.now,
        )
        Organization.objects.bulk_create(
            [
                Organization(
                    region=region,
                    kind=OrganizationKind.GP_COOPERATIVE,
                    name=f"Huisartsenpost {names.PLACES[i % len(names.PLACES)]}",
                    agb=self.ids.agb("01"),
                    phone=self.ids.phone("088"),
                    last_verified_at=self.now,
                )
                for i in range(2 * self.scale)
            ]
            + [
                Organization(
                    region=region,
                    kind=OrganizationKind.CARE_GROUP,
                    name=f"Zorggroep {names.PLACES[(i + 3) % len(names.PLACES)]}",
                    agb=self.ids.agb("01"),
                    last_verified_at=self.now,
                )
                for i in range(self.scale)
            ]
        )
        persona_roles = self.staff(hospitals, practices, network)
        self.save_people()
        self.accounts(persona_roles)
        self.reports()
        patient_count = build_demo_patients(self.rng)
        pathway_count = build_demo_pathways(self.rng)
        build_demo_mdo()
        build_demo_handovers()
        build_demo_consultations()
        build_demo_questions()
        build_demo_proms()
        return DemoSummary(
            created=True,
            counts={
                "hospitals": len(hospitals),
                "GP practices": len(practices),
                "practitioners": len(self.practitioners),
                "practitioner roles": len(self.roles),
                "contact points": len(self.points),
                "patients": patient_count,
                "care pathways": pathway_count,
            },
        )

    def hospitals(self, region: Region) -> list[Organization]:
        hospitals = []
        for i in range(5 * self.scale):
            place = names.PLACES[i % len(names.PLACES)]
            pattern = names.HOSPITAL_PATTERNS[i % len(names.HOSPITAL_PATTERNS)]
            suffix = f" (locatie {i // len(names.PLACES) + 1})" if i >= len(names.PLACES) else ""
            hospitals.append(
                Organization(
                    region=region,
                    kind=OrganizationKind.HOSPITAL,
                    name=pattern.format(place=place) + suffix,
                    agb=self.ids.agb("06"),
                    ura=self.ids.ura(),
                    street=f"{self.rng.choice(names.STREETS)} {self.rng.randrange(1, 200)}",
                    postal_code=self.ids.postal_code(),
                    city=place,
                    phone=self.ids.phone("088"),
                    last_verified_at=self.now - timedelta(days=self.rng.randrange(1, 120)),
                )
            )
        return Organization.objects.bulk_create(hospitals)

    def practices(self, region: Region) -> list[Organization]:
        practices = []
        for i in range(40 * self.scale):
            place = names.PLACES[(i * 7) % len(names.PLACES)]
            pattern = names.PRACTICE_PATTERNS[i % len(names.PRACTICE_PATTERNS)]
            name = pattern.format(
                place=place,
                part=names.PRACTICE_PARTS[i % len(names.PRACTICE_PARTS)],
                tree=names.TREES[i % len(names.TREES)],
            )
            practices.append(
                Organization(
                    region=region,
                    kind=OrganizationKind.GP_PRACTICE,
                    name=f"{name} {i // 20 + 1}" if i >= 20 else name,
                    agb=self.ids.agb("01"),
                    ura=self.ids.ura(),
                    street=f"{self.rng.choice(names.STREETS)} {self.rng.randrange(1, 200)}",
                    city=place,
                    phone=self.ids.phone("010"),
                    last_verified_at=self.now - timedelta(days=self.rng.randrange(1, 400)),
                )
            )
        return Organization.objects.bulk_create(practices)

    def staff(
        self, hospitals: list[Organization], practices: list[Organization], network: Organization
    ) -> dict[str, PractitionerRole]:
        personas: dict[str, PractitionerRole] = {}
        for index, hospital in enumerate(hospitals):
            area = "088"
            offset = index % len(ROTATING)
            codes = ALWAYS_TREATED + [ROTATING[(offset + k) % len(ROTATING)] for k in range(5)]
            self.point(
                hospital,
                "Oncologische dagbehandeling",
                area=area,
                description="Chemo- en immunotherapie; vragen over bijwerkingen",
                topics=["bijwerkingen", "behandeling", "medicatie"],
            )
            self.point(
                hospital,
                "Spoedlijn oncologie",
                area=area,
                always=True,
                description="Acute problemen bij patiënten in behandeling",
                topics=["spoed", "bijwerkingen"],
            )
            self.point(
                hospital,
                "Secretariaat MDO oncologie",
                area=area,
                description="Aanmelden en inbreng voor het MDO",
                topics=["mdo-inbreng"],
            )
            self.point(
                hospital,
                "Polikliniek oncologie",
                area=area,
                description="Afspraken, uitslagen en verwijzingen",
                topics=["uitslagen", "verwijzing"],
            )
            for role_function, title, topics in [
                (Function.MDO_COORDINATOR, "MDO-coördinator oncologie", ["mdo-inbreng"]),
                (Function.SECRETARY, "secretaresse oncologie", ["verwijzing", "uitslagen"]),
                (Function.PALLIATIVE_CONSULTANT, "consulent palliatieve zorg", ["palliatief"]),
            ]:
                self.role(
                    self.person(),
                    hospital,
                    role_function,
                    title=title,
                    topics=topics,
                    phone=self.ids.phone(area),
                )
            for code in codes:
                treating, title, nurse_title, clinic = TUMOUR_TEAMS[code]
                self.point(
                    hospital,
                    clinic,
                    area=area,
                    tumour_types=[code],
                    topics=["behandeling", "uitslagen", "verwijzing"],
                )
                self.role(
                    self.person(),
                    hospital,
                    treating,
                    title=title,
                    tumour_types=[code],
                    topics=["behandeling", "uitslagen", "verwijzing", "mdo-inbreng"],
                    phone=self.ids.phone(area),
                    secure_messaging=self.rng.random() < 0.5,
                )
                oncologist = self.role(
                    self.person(),
                    hospital,
                    Function.MEDICAL_ONCOLOGIST,
                    title="internist-oncoloog",
                    tumour_types=[code],
                    topics=["behandeling", "medicatie", "palliatief"],
                    phone=self.ids.phone(area),
                    secure_messaging=True,
                )
                self.role(
                    self.person(),
                    hospital,
                    Function.NURSE_SPECIALIST,
                    title=nurse_title,
                    tumour_types=[code],
                    topics=[
                        "bijwerkingen",
                        "behandeling",
                        "nazorg",
                        "psychosociaal",
                        "medicatie",
                        "overdracht",
                    ],
                    phone=self.ids.phone(area),
                    secure_messaging=True,
                )
                if index == 0 and code == "borstkanker":
                    personas["specialist"] = oncologist
        for index, practice in enumerate(practices):
            for number in range(2):
                gp = self.role(
                    self.person(),
                    practice,
                    Function.GP,
                    phone=self.ids.phone("010"),
                    secure_messaging=True,
                )
                if index == 0 and number == 0:
                    personas["huisarts"] = gp
            poh = self.role(
                self.person(with_big=self.rng.random() < 0.5),
                practice,
                Function.POH_ONCOLOGY,
                title="POH oncologie",
                phone=self.ids.phone("010"),
            )
            if index == 0:
                personas["poh"] = poh
        for number in range(4 * self.scale):
            manager = self.role(
                self.person(),
                network,
                Function.CASE_MANAGER,
                title="netwerkcasemanager oncologie",
                topics=["behandeling", "overdracht", "psychosociaal"],
                phone=self.ids.phone("088"),
                secure_messaging=True,
            )
            if number == 0:
                personas["casemanager"] = manager
        personas["coordinator"] = self.role(
            self.person(),
            network,
            Function.NETWORK_COORDINATOR,
            title="netwerkcoördinator",
            phone=self.ids.phone("088"),
        )
        personas["privacy"] = self.role(
            self.person(with_big=False),
            network,
            Function.PRIVACY_OFFICER,
            title="functionaris gegevensbescherming",
        )
        return personas

    def save_people(self) -> None:
        Practitioner.objects.bulk_create(self.practitioners, batch_size=1000)
        roles = [pending.entry for pending in self.roles]
        for role in roles:
            role.practitioner_id = role.practitioner.pk
        PractitionerRole.objects.bulk_create(roles, batch_size=1000)
        ContactPoint.objects.bulk_create(
            [pending.entry for pending in self.points], batch_size=1000
        )
        # Tumour types and topics, straight into Django's many-to-many tables.
        for model, owner, entries in (
            (PractitionerRole, "practitionerrole", self.roles),
            (ContactPoint, "contactpoint", self.points),
        ):
            for m2m_name, target, lookup in (
                ("tumour_types", "tumourtype", self.tumour_types),
                ("topics", "contacttopic", self.topics),
            ):
                through = getattr(model, m2m_name).through
                through.objects.bulk_create(
                    [
                        through(**{f"{owner}_id": row.entry.pk, f"{target}_id": lookup[code].pk})
                        for row in entries
                        for code in getattr(row, m2m_name)
                    ],
                    batch_size=2000,
                )

    def accounts(self, persona_roles: dict[str, PractitionerRole]) -> None:
        password = make_password(DEMO_PASSWORD)
        coordinators = Group.objects.get_or_create(name="Netwerkcoördinatie")[0]
        coordinators.permissions.set(
            Permission.objects.filter(content_type__app_label="directory")
            | Permission.objects.filter(
                content_type__app_label="work", codename__endswith="signalthreshold"
            )
            # The region's questionnaire cut-offs and schedules.
            | Permission.objects.filter(
                content_type__app_label="proms",
                content_type__model__in=["cutoff", "promschedule", "schedulemoment"],
            )
            | Permission.objects.filter(content_type__app_label="mdo", codename__endswith="series")
            # Where the region plans contact moments between case manager and GP/POH.
            | Permission.objects.filter(
                content_type__app_label="handovers", codename__endswith="contactmomentsetting"
            )
        )
        privacy = Group.objects.get_or_create(name="Privacy")[0]
        privacy.permissions.set(
            Permission.objects.filter(content_type__app_label="audit", codename__startswith="view")
        )
        for local, _description, _function in PERSONAS:
            role = persona_roles[local]
            practitioner = role.practitioner
            user = User.objects.create(
                email=f"{local}@{DEMO_DOMAIN}",
                display_name=practitioner.full_name,
                password=password,
                is_staff=local in {"coordinator", "privacy"},
            )
            if local == "coordinator":
                user.groups.add(coordinators)
            if local == "privacy":
                user.groups.add(privacy)
            Practitioner.objects.filter(pk=practitioner.pk).update(user=user)

    def reports(self) -> None:
        gp_user = User.objects.get(email=f"huisarts@{DEMO_DOMAIN}")
        hospital_roles = [
            p.entry
            for p in self.roles
            if getattr(p.entry, "function", "") == Function.NURSE_SPECIALIST
        ]
        for role, reason, comment in [
            (hospital_roles[1], ReportReason.LEFT, "Werkt sinds de zomer niet meer op de poli."),
            (hospital_roles[5], ReportReason.WRONG_PHONE, "Nummer wordt niet opgenomen."),
        ]:
            ContactReport.objects.create(
                role=role, reason=reason, comment=comment, reported_by=gp_user
            )


def build_demo_region(scale: int = 1) -> DemoSummary:
    """Create the demo region unless it exists. Returns what was created."""
    if Region.objects.filter(name=REGION_NAME).exists():
        return DemoSummary(created=False)
    with transaction.atomic():
        return _Builder(scale).build()
