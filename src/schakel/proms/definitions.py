"""FHIR Questionnaire definitions: validation on import, and the items as Schakel renders them.

Validation uses ``fhir.resources`` (R4B, which matches R4 for Questionnaire). Real-world files
often carry extensions that break the strict model (e.g. SDC expressions whose names contain an
underscore); Schakel does not use those, so an invalid extension is removed with a warning
rather than refusing the whole questionnaire. Everything else must be valid.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError as PydanticError

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL = (
    "http://hl7.org/fhir/StructureDefinition/ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
)
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
# Item types Schakel asks; others (attachment, reference, …) are not supported in the form.
SUPPORTED_TYPES = {
    "group",
    "display",
    "boolean",
    "decimal",
    "integer",
    "string",
    "text",
    "choice",
    "date",
}


class DefinitionError(ValueError):
    """The file is not a usable Questionnaire; ``problems`` lists why, for the operator."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _drop_at(data: Any, path: tuple[Any, ...]) -> Any:
    """Remove the element at ``path`` (a pydantic error location) and return it."""
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    return parent.pop(path[-1])


def validate(data: Any) -> tuple[dict[str, Any], list[str]]:
    """Return the cleaned Questionnaire and warnings, or raise DefinitionError."""
    if not isinstance(data, dict) or data.get("resourceType") != "Questionnaire":
        raise DefinitionError(["the file is not a FHIR Questionnaire (resourceType)"])
    cleaned = copy.deepcopy(data)
    warnings: list[str] = []
    for _attempt in range(50):
        try:
            Questionnaire.model_validate(cleaned)
            break
        except PydanticError as error:
            problems = error.errors()
            paths = []
            for problem in problems:
                location = tuple(problem["loc"])
                if "extension" not in location:
                    raise DefinitionError(
                        [f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in problems]
                    ) from error
                index = location.index("extension")
                paths.append(location[: index + 2])
            # Drop from the end, so earlier indexes stay right.
            for path in sorted(set(paths), reverse=True):
                extension = _drop_at(cleaned, path)
                where = ".".join(map(str, path))
                warnings.append(
                    f"{where}: extension {extension.get('url', '?')} not valid, ignored"
                )
    else:
        raise DefinitionError(["too many invalid extensions"])
    if not cleaned.get("item"):
        raise DefinitionError(["the Questionnaire has no items"])
    found = items(cleaned, "nl")
    unsupported = [i.link_id for i in found if i.type not in SUPPORTED_TYPES]
    if unsupported:
        raise DefinitionError([f"item types not supported: {', '.join(unsupported)}"])
    no_options = [i.link_id for i in found if i.type == "choice" and not i.options]
    if no_options:
        raise DefinitionError([f"choice items without answer options: {', '.join(no_options)}"])
    return cleaned, warnings


def _translated(element: dict[str, Any], key: str, language: str) -> str:
    text = str(element.get(key, ""))
    if language == "nl":
        return text
    for extension in element.get(f"_{key}", {}).get("extension", []):
        if extension.get("url") != TRANSLATION:
            continue
        parts = {e.get("url"): e for e in extension.get("extension", [])}
        if parts.get("lang", {}).get("valueCode") == language:
            return str(parts.get("content", {}).get("valueString", text))
    return text


def _extension(element: dict[str, Any], urls: tuple[str, ...] | str) -> Any:
    wanted = (urls,) if isinstance(urls, str) else urls
    for extension in element.get("extension", []):
        if extension.get("url") in wanted:
            for key, value in extension.items():
                if key.startswith("value"):
                    return value
    return None


@dataclass(frozen=True)
class Option:
    code: str
    display: str
    ordinal: float | None
    system: str = ""  # the code system of a coded answer (for exports)


@dataclass(frozen=True)
class Item:
    """A question (or a heading) as the form shows it."""

    link_id: str
    type: str
    text: str
    required: bool
    read_only: bool
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    children: tuple[Item, ...] = field(default_factory=tuple)

    @property
    def asks(self) -> bool:
        return self.type not in ("group", "display") and not self.read_only


def _option(raw: dict[str, Any], language: str) -> Option:
    ordinal = _extension(raw, ORDINAL)
    if "valueCoding" in raw:
        coding = raw["valueCoding"]
        return Option(
            str(coding.get("code")),
            _translated(coding, "display", language) or str(coding.get("code")),
            ordinal,
            str(coding.get("system", "")),
        )
    for key in ("valueString", "valueInteger", "valueDate"):
        if key in raw:
            return Option(str(raw[key]), _translated(raw, key, language), ordinal)
    return Option("", "", ordinal)


def items(definition: dict[str, Any], language: str | None = None) -> list[Item]:
    """The items, flattened in order (groups become headings), in the language asked."""
    lang = (language or get_language() or "nl")[:2]
    found: list[Item] = []
    contained = {
        f"#{r.get('id')}": r
        for r in definition.get("contained", [])
        if r.get("resourceType") == "ValueSet"
    }

    def options(raw: dict[str, Any]) -> tuple[Option, ...]:
        if raw.get("answerOption"):
            return tuple(_option(o, lang) for o in raw["answerOption"])
        value_set = contained.get(str(raw.get("answerValueSet", "")))
        if value_set is None:
            return ()
        return tuple(
            Option(
                str(c.get("code")),
                _translated(c, "display", lang),
                _extension(c, ORDINAL),
                str(include.get("system", "")),
            )
            for include in value_set.get("compose", {}).get("include", [])
            for c in include.get("concept", [])
        )

    def walk(raw_items: list[dict[str, Any]]) -> None:
        for raw in raw_items:
            found.append(
                Item(
                    link_id=str(raw.get("linkId")),
                    type=str(raw.get("type")),
                    text=_translated(raw, "text", lang),
                    required=bool(raw.get("required")),
                    # A calculated item (SDC): Schakel evaluates no FHIRPath, so it is not asked.
                    read_only=bool(raw.get("readOnly")) or _extension(raw, CALCULATED) is not None,
                    options=options(raw),
                    minimum=_extension(raw, MIN_VALUE),
                    maximum=_extension(raw, MAX_VALUE),
                )
            )
            walk(raw.get("item", []))

    walk(definition.get("item", []))
    return found


def title(definition: dict[str, Any], language: str | None = None) -> str:
    lang = (language or get_language() or "nl")[:2]
    return _translated(definition, "title", lang) or str(definition.get("name", ""))


def ordinals(definition: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {
        item.link_id: {o.code: o.ordinal for o in item.options if o.ordinal is not None}
        for item in items(definition, "nl")
        if item.options
    }


def texts(definition: dict[str, Any]) -> dict[str, str]:
    return {item.link_id: item.text for item in items(definition, "nl")}
