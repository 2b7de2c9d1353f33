"""Dutch identifiers: validation, normalisation and their FHIR identifier systems.

- BSN (burgerservicenummer): 9 digits passing the "11-proef" with weights 9..2 and -1.
  Written with 8 digits it had its leading zero dropped; we restore it. 000000000 passes the
  arithmetic but is not a number anyone has, so it is refused.
- AGB (Algemeen GegevensBeheer zorgverleners): 8 digits.
- BIG (Beroepen in de Individuele Gezondheidszorg): 11 digits.
- URA (UZI-register abonneenummer, an organisation): 8 digits.
- UZI number of a person (UZI-nummer natuurlijke personen): 9 digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class IdentifierSystem(StrEnum):
    """FHIR NamingSystem URIs for the Dutch identifiers (nl-core)."""

    BSN = "http://fhir.nl/fhir/NamingSystem/bsn"
    AGB = "http://fhir.nl/fhir/NamingSystem/agb-z"
    BIG = "http://fhir.nl/fhir/NamingSystem/big"
    URA = "http://fhir.nl/fhir/NamingSystem/ura"
    UZI_PERSON = "http://fhir.nl/fhir/NamingSystem/uzi-nr-pers"


# The OIDs that older FHIR resources (and HL7v3 messages) use for the same identifiers. An
# importer that meets one of these reads it as the system it maps to.
LEGACY_OID_SYSTEMS: dict[str, IdentifierSystem] = {
    "urn:oid:2.16.840.1.113883.2.4.6.3": IdentifierSystem.BSN,
    "urn:oid:2.16.840.1.113883.2.4.6.1": IdentifierSystem.AGB,
    "urn:oid:2.16.528.1.1007.5.1": IdentifierSystem.BIG,
    "urn:oid:2.16.528.1.1007.3.3": IdentifierSystem.URA,
    "urn:oid:2.16.528.1.1007.3.1": IdentifierSystem.UZI_PERSON,
}


def canonical_system(system: str) -> str:
    """Return the current FHIR system for ``system``, translating a legacy OID if needed."""
    legacy = LEGACY_OID_SYSTEMS.get(system)
    return str(legacy) if legacy is not None else system


_NON_DIGITS_ALLOWED = re.compile(r"[\s.\-]")


def clean_digits(value: str) -> str:
    """Drop spaces, dots and dashes people type inside numbers ("1234.56.782")."""
    return _NON_DIGITS_ALLOWED.sub("", str(value))


def normalise_bsn(value: str) -> str:
    """Return ``value`` as 9 digits (restoring a dropped leading zero), without validating it."""
    digits = clean_digits(value)
    if len(digits) == 8 and digits.isdigit():
        return "0" + digits
    return digits


def bsn_passes_eleven_check(bsn: str) -> bool:
    """The 11-check: sum of digits times 9..2, minus the last digit, divisible by 11."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(bsn[:8], range(9, 1, -1), strict=True))
    total -= int(bsn[8])
    return total % 11 == 0


def validate_bsn(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is a valid BSN (8 or 9 digits)."""
    bsn = normalise_bsn(value)
    if bsn and not bsn.isdigit():
        raise ValidationError(_("A BSN consists of digits only."), code="bsn_digits")
    if len(bsn) != 9:
        raise ValidationError(_("A BSN has 9 digits."), code="bsn_length")
    if bsn == "000000000":
        raise ValidationError(_("000000000 is not a valid BSN."), code="bsn_zero")
    if not bsn_passes_eleven_check(bsn):
        raise ValidationError(
            _("This BSN does not pass the 11-check; check for a typing error."),
            code="bsn_check",
        )


def _fixed_length_validator(length: int, label: str) -> Callable[[str], None]:
    # Models reference the named wrappers below, so migrations get stable import paths.
    def validate(value: str) -> None:
        digits = clean_digits(value)
        if not digits.isdigit() or len(digits) != length:
            raise ValidationError(
                _("%(label)s must be exactly %(length)d digits.")
                % {"label": label, "length": length},
                code=f"{label.lower()}_format",
            )

    return validate


_agb = _fixed_length_validator(8, "AGB")
_big = _fixed_length_validator(11, "BIG")
_ura = _fixed_length_validator(8, "URA")
_uzi = _fixed_length_validator(9, "UZI")


def validate_agb(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is an 8-digit AGB code."""
    _agb(value)


def validate_big(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is an 11-digit BIG number."""
    _big(value)


def validate_ura(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is an 8-digit URA number."""
    _ura(value)


def validate_uzi(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is a 9-digit UZI number of a person."""
    _uzi(value)


def make_valid_bsn(first_eight: str) -> str | None:
    """Complete eight digits to a valid BSN, or None when no ninth digit passes the check.

    Used by the demo and tests to produce numbers that pass the 11-check.
    """
    for last in range(10):
        candidate = f"{first_eight}{last}"
        if candidate != "000000000" and bsn_passes_eleven_check(candidate):
            return candidate
    return None
