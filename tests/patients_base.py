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
    def make_patient(
        cls, bsn: str, given_name: str, family_name: str, birth_date: date, gender: str
    ) -> Patient:
        """A patient of the GP practice Testdorp, recorded by Ziekenhuis Testoord, with
        consent to share."""
        return Patient.objects.create(
            bsn=bsn,
            given_name=given_name,
            family_name=family_name,
            birth_date=birth_date,
            gender=gender,
            gp_practice=cls.practice,
            general_practitioner=cls.gp_role,
            recorded_by=cls.hospital,
            sharing=Sharing.PERMITTED,
        )

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.patient = cls.make_patient("111222333", "Piet", "Jansen", date(1950, 3, 14), "male")
        for user, kind in (
            (cls.specialist, RelationKind.CARE_TEAM),
            (cls.case_manager, RelationKind.CASE_MANAGER),
        ):
            CareRelation.objects.create(
                patient=cls.patient, role=user.practitioner.roles.get(), kind=kind
            )
