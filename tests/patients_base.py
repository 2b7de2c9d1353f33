"""A patient and the people around them, on top of the shared personas."""

from __future__ import annotations

from datetime import date

from schakel.patients.models import CareRelation, Patient, RelationKind, Sharing
from tests.base import SchakelTestCase


class PatientTestCase(SchakelTestCase):
    """Piet Jansen: GP practice Testdorp, recorded by Ziekenhuis Testoord, consent to share.

    The specialist is on his care team, the case manager is his fixed contact; the other GP,
    the coordinator and the privacy officer have no care relation.
    """

    patient: Patient

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.patient = Patient.objects.create(
            bsn="111222333",
            given_name="Piet",
            family_name="Jansen",
            birth_date=date(1950, 3, 14),
            gender="male",
            gp_practice=cls.practice,
            general_practitioner=cls.gp_role,
            recorded_by=cls.hospital,
            sharing=Sharing.PERMITTED,
        )
        for user, kind in (
            (cls.specialist, RelationKind.CARE_TEAM),
            (cls.case_manager, RelationKind.CASE_MANAGER),
        ):
            CareRelation.objects.create(
                patient=cls.patient, role=user.practitioner.roles.get(), kind=kind
            )
