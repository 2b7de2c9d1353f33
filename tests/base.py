"""Shared fixtures: a small region and the personas of Schakel's tests.

- ``gp``: Anna de Vries, GP (huisarts) at Huisartsenpraktijk Testdorp
- ``poh``: practice nurse oncology at the same practice
- ``specialist``: medical oncologist at Ziekenhuis Testoord (borstkanker)
- ``case_manager``: network case manager
- ``coordinator``: network coordinator, keeps the directory
- ``privacy_officer``: privacy officer of the network
- ``other_gp``: a GP at another practice (the outsider, in patient matters)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import TestCase
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.accounts import idle
from schakel.accounts.models import User
from schakel.directory.models import (
    ContactPoint,
    ContactTopic,
    Function,
    Organization,
    OrganizationKind,
    Practitioner,
    PractitionerRole,
    Region,
    TumourType,
)

PASSWORD = "correct horse battery staple"


def make_person(
    email: str | None,
    organization: Organization,
    function: Function,
    given: str,
    family: str,
    prefix: str = "",
    **role_fields: Any,
) -> PractitionerRole:
    """A practitioner with one role, and an account when ``email`` is given."""
    user = User.objects.create_user(email, PASSWORD, display_name=given) if email else None
    practitioner = Practitioner.objects.create(
        user=user, given_name=given, name_prefix=prefix, family_name=family
    )
    tumour_types = role_fields.pop("tumour_types", [])
    topics = role_fields.pop("topics", [])
    role_fields.setdefault("last_verified_at", timezone.now())
    role = PractitionerRole.objects.create(
        practitioner=practitioner, organization=organization, function=function, **role_fields
    )
    role.tumour_types.set(tumour_types)
    role.topics.set(topics)
    return role


class SchakelTestCase(TestCase):
    """A region with one hospital, two practices, the network and the personas."""

    region: Region
    hospital: Organization
    other_hospital: Organization
    practice: Organization
    other_practice: Organization
    network: Organization
    breast: TumourType
    lung: TumourType
    side_effects: ContactTopic
    results: ContactTopic
    gp_role: PractitionerRole
    gp: User
    poh: User
    specialist: User
    case_manager: User
    coordinator: User
    privacy_officer: User
    other_gp: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.region = Region.objects.create(name="Testregio")

        def org(kind: OrganizationKind, name: str) -> Organization:
            return Organization.objects.create(
                region=cls.region, kind=kind, name=name, last_verified_at=timezone.now()
            )

        cls.hospital = org(OrganizationKind.HOSPITAL, "Ziekenhuis Testoord")
        cls.other_hospital = org(OrganizationKind.HOSPITAL, "Medisch Centrum Elders")
        cls.practice = org(OrganizationKind.GP_PRACTICE, "Huisartsenpraktijk Testdorp")
        cls.other_practice = org(OrganizationKind.GP_PRACTICE, "Huisartsenpraktijk Elders")
        cls.network = org(OrganizationKind.NETWORK, "Oncologienetwerk Test")
        cls.breast = TumourType.objects.get(code="borstkanker")
        cls.lung = TumourType.objects.get(code="longkanker")
        cls.side_effects = ContactTopic.objects.get(code="bijwerkingen")
        cls.results = ContactTopic.objects.get(code="uitslagen")

        cls.gp_role = make_person("gp@test.nl", cls.practice, Function.GP, "Anna", "Vries", "de")
        cls.gp = cls.user_of(cls.gp_role)
        cls.poh = cls.user_of(
            make_person("poh@test.nl", cls.practice, Function.POH_ONCOLOGY, "Bea", "Bakker")
        )
        cls.specialist = cls.user_of(
            make_person(
                "specialist@test.nl",
                cls.hospital,
                Function.MEDICAL_ONCOLOGIST,
                "Cor",
                "Smit",
                tumour_types=[cls.breast],
                phone="088 111 22 33",
            )
        )
        cls.case_manager = cls.user_of(
            make_person("cm@test.nl", cls.network, Function.CASE_MANAGER, "Dina", "Berg", "van den")
        )
        cls.coordinator = cls.user_of(
            make_person("coord@test.nl", cls.network, Function.NETWORK_COORDINATOR, "Eef", "Kok")
        )
        cls.privacy_officer = cls.user_of(
            make_person("privacy@test.nl", cls.network, Function.PRIVACY_OFFICER, "Fien", "Prins")
        )
        cls.other_gp = cls.user_of(
            make_person("other-gp@test.nl", cls.other_practice, Function.GP, "Gijs", "Vos")
        )
        # Every persona has enrolled an authenticator app, as production requires.
        for user in User.objects.all():
            TOTPDevice.objects.create(user=user, name="app", confirmed=True)

    @staticmethod
    def user_of(role: PractitionerRole) -> User:
        assert role.practitioner.user is not None
        return role.practitioner.user

    def login(self, user: User) -> None:
        """Log in with both factors done, as after a complete login."""
        self.client.force_login(user)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        session = self.client.session
        session["otp_device_id"] = device.persistent_id
        # Active this minute, as right after a login: query counts see the steady state.
        session[idle.LAST_ACTIVE] = idle._minute()
        session.save()

    @classmethod
    def contact_point(
        cls,
        name: str,
        organization: Organization | None = None,
        tumour_types: list[TumourType] | None = None,
        topics: list[ContactTopic] | None = None,
        **fields: Any,
    ) -> ContactPoint:
        point = ContactPoint.objects.create(
            organization=organization or cls.hospital, name=name, **fields
        )
        point.tumour_types.set(tumour_types or [])
        point.topics.set(topics or [])
        return point

    @staticmethod
    def long_ago() -> Any:
        return timezone.now() - timedelta(days=400)


def body_of(response: Any) -> bytes:
    """A response's bytes, whether streamed (a file) or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def last_log_pk() -> int:
    """The newest access-log row's pk, or 0: what a test compares later rows against.

    Not the count: on PostgreSQL a sequence does not restart when a test's transaction rolls
    back, so the pks of rows written in this test lie above the count of rows present."""
    from schakel.audit.models import AccessLogEntry

    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
