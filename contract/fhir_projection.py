"""A case as FHIR R4 resources and back, through the pack's projection (its ``fhir.yaml``).

One projector for every pack: ``contract/fhir.yaml`` places the envelope, the pack's
``features/<pack>/fhir.yaml`` its clinical facts and evidence (format:
``contract/projection.schema.json``). Each fact names a *home* that this module knows how to
write and read; a fact that FHIR has no home for, a coded value with no coding, and anything the
case holds that no projection names (a malformed case's stray field) travel as items of the kit's
DTR QuestionnaireResponse, keyed by the fact's path, so that what is sent can always be read back
exactly and nothing is dropped or guessed on the way.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import yaml
from jsonschema import Draft202012Validator

from policy_conformance.paths import pack_roots

__all__ = [
    "CASE_ID_SYSTEM",
    "HCPCS",
    "ICD10CM",
    "PROJECTION_FILE",
    "Projection",
    "ProjectionError",
    "case_from_resources",
    "claim_of_order",
    "envelope_file",
    "load_file",
    "projection_for",
    "resources_of",
]

#: The file, in a pack's folder, that places the pack's facts in FHIR.
PROJECTION_FILE = "fhir.yaml"

KIT: Final = "https://policy-conformance.org/fhir"
CASE_ID_SYSTEM: Final = f"{KIT}/case-id"
DOCUMENT_KIND: Final = f"{KIT}/CodeSystem/document-kind"
HCPCS: Final = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
COVERAGE_CLASS: Final = "http://terminology.hl7.org/CodeSystem/coverage-class"
CONDITION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"
JSON_TYPE: Final = "application/json"

#: The envelope's objects whose properties are facts of their own (member.birth_date).
_ENVELOPE_OBJECTS: Final = ("member", "drug")
#: The case's objects whose properties are the pack's facts.
_PACK_OBJECTS: Final = ("clinical", "evidence")


class ProjectionError(ValueError):
    """A projection file that cannot be used, or FHIR that cannot be read back as a case."""


@dataclass(frozen=True)
class Projection:
    """The homes of every fact of one policy's cases: the envelope's and the pack's."""

    policy_id: str
    facts: Mapping[str, Mapping[str, Any]]
    questionnaire: str
    medication: tuple[Mapping[str, str], ...] = ()
    #: Observation code (system, code) -> fact path, and coded value -> fact value, for reading.
    _by_code: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path, spec in self.facts.items():
            if spec["home"] == "Observation":
                self._by_code[(spec["code"]["system"], spec["code"]["code"])] = path

    def home(self, path: str) -> str | None:
        spec = self.facts.get(path)
        return None if spec is None else str(spec["home"])

    def coding(self, path: str, value: object) -> dict[str, str] | None:
        values = self.facts[path].get("values")
        if values is None or not isinstance(value, str) or value not in values:
            return None
        return dict(values[value])

    def value_of(self, path: str, coding: Mapping[str, Any]) -> str | None:
        for value, known in (self.facts[path].get("values") or {}).items():
            if known["system"] == coding.get("system") and known["code"] == coding.get("code"):
                return str(value)
        return None


# --- loading --------------------------------------------------------------------------------


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(
        files("policy_conformance.contract").joinpath("projection.schema.json").read_text("utf-8")
    )
    return Draft202012Validator(schema)


def envelope_file() -> Path:
    """The projection of the envelope every pack shares."""
    return Path(str(files("policy_conformance.contract").joinpath(PROJECTION_FILE)))


def pack_file(policy_id: str) -> Path | None:
    """The pack's projection file, or None when the pack has none (or there is no such pack)."""
    for root in pack_roots():
        path = root / "features" / policy_id / PROJECTION_FILE
        if path.is_file():
            return path
    return None


def load_file(path: Path) -> dict[str, Any]:
    """A projection file, read safely and held to its schema; ProjectionError names the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f":{where.line + 1}" if where is not None else ""
        raise ProjectionError(f"{path}{line}: cannot be read as YAML: {exc}") from None
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        at = "/".join(str(p) for p in first.absolute_path) or "(top)"
        raise ProjectionError(f"{path}: {at}: {first.message}")
    loaded: dict[str, Any] = data
    return loaded


def projection_for(policy_id: str) -> Projection:
    """The projection of ``policy_id``'s cases; ProjectionError when its pack has none."""
    return _projection_for(policy_id, pack_roots())


@cache
def _projection_for(policy_id: str, roots: tuple[Path, ...]) -> Projection:
    path = pack_file(policy_id)
    if path is None:
        raise ProjectionError(
            f"policy {policy_id!r}: its pack has no {PROJECTION_FILE}, so its cases cannot be "
            "sent over a FHIR interface"
        )
    envelope, pack = load_file(envelope_file()), load_file(path)
    return Projection(
        policy_id=policy_id,
        facts={**envelope["facts"], **pack["facts"]},
        questionnaire=pack.get("questionnaire", f"{KIT}/Questionnaire/{policy_id}"),
        medication=tuple(pack.get("medication", ())),
    )


# --- a case as resources --------------------------------------------------------------------


def _ids(case_id: object) -> dict[str, str]:
    # Ids unique to the case (a FHIR id allows letters, digits, - and .; a case id allows more).
    tail = hashlib.sha1(str(case_id).encode(), usedforsecurity=False).hexdigest()[:12]
    kinds = ("patient", "coverage", "claim", "order", "payer", "prescriber", "dtr", "disease")
    return {kind: f"{kind}-{tail}" for kind in kinds}


def _ref(resource: Mapping[str, Any]) -> dict[str, str]:
    return {"reference": f"{resource['resourceType']}/{resource['id']}"}


def _answer(value: Any) -> dict[str, Any]:
    """A QuestionnaireResponse answer that carries ``value`` exactly, whatever its JSON type."""
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, str):
        return {"valueString": value}
    data = base64.b64encode(json.dumps(value, ensure_ascii=False).encode()).decode()
    return {"valueAttachment": {"contentType": JSON_TYPE, "data": data}}


def _answered(answer: Mapping[str, Any]) -> Any:
    for key in ("valueBoolean", "valueInteger", "valueDecimal", "valueString"):
        if key in answer:
            return answer[key]
    attachment = answer.get("valueAttachment")
    if isinstance(attachment, dict) and attachment.get("contentType") == JSON_TYPE:
        try:
            return json.loads(base64.b64decode(str(attachment.get("data", ""))))
        except ValueError as exc:
            raise ProjectionError(
                f"a questionnaire answer's attachment is not JSON: {exc}"
            ) from None
    raise ProjectionError(f"a questionnaire answer carries no value the kit reads: {answer}")


def _facts_of(case: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every fact of a case as (path, value): the paths a projection names, and any stray."""
    for key, value in case.items():
        if key in (*_ENVELOPE_OBJECTS, *_PACK_OBJECTS) and isinstance(value, dict):
            for sub, inner in value.items():
                yield f"{key}.{sub}", inner
        else:
            yield key, value


def _observation_value(projection: Projection, path: str, value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int | float):
        return {"valueQuantity": {"value": value}}
    coding = projection.coding(path, value)
    if coding is not None:
        return {"valueCodeableConcept": {"coding": [coding]}}
    if isinstance(value, str) and not projection.facts[path].get("values"):
        return {"valueString": value}
    return None


def resources_of(case: Mapping[str, Any], projection: Projection) -> list[dict[str, Any]]:
    """The FHIR resources that carry ``case``: Claim first, then the rest.

    The Claim is a PAS one (use preauthorization); a MedicationRequest carries the same order
    for CRD. The case is never changed.
    """
    case = copy.deepcopy(dict(case))
    ids = _ids(case.get("case_id"))
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": ids["patient"],
        "identifier": [{"system": f"{KIT}/member-id", "value": ids["patient"]}],
        "name": [{"family": "Test", "given": ["Case"]}],
        "gender": "unknown",
    }
    payer = {
        "resourceType": "Organization",
        "id": ids["payer"],
        "name": "Payer under test",
        "identifier": [{"system": f"{KIT}/payer-id", "value": "PAYER-UNDER-TEST"}],
    }
    prescriber = {
        "resourceType": "Practitioner",
        "id": ids["prescriber"],
        "name": [{"family": "Prescriber", "given": ["Kit"]}],
    }
    coverage: dict[str, Any] = {
        "resourceType": "Coverage",
        "id": ids["coverage"],
        "status": "active",
        "beneficiary": _ref(patient),
        "subscriberId": ids["patient"],
        "payor": [{"identifier": payer["identifier"][0], "display": payer["name"]}],
    }
    item: dict[str, Any] = {"sequence": 1, "productOrService": {}}
    claim: dict[str, Any] = {
        "resourceType": "Claim",
        "id": ids["claim"],
        "status": "active",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                    "code": "professional",
                }
            ]
        },
        "use": "preauthorization",
        "patient": _ref(patient),
        "created": "",
        "insurer": _ref(payer),
        "provider": _ref(prescriber),
        "priority": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/processpriority",
                    "code": "normal",
                }
            ]
        },
        "insurance": [{"sequence": 1, "focal": True, "coverage": _ref(coverage)}],
        "item": [item],
    }
    medication: dict[str, Any] = {"coding": [dict(c) for c in projection.medication]}
    order: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": ids["order"],
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": medication,
        "subject": _ref(patient),
        "requester": _ref(prescriber),
        "insurance": [_ref(coverage)],
    }
    others: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []

    def ask(path: str, value: Any) -> None:
        answers.append({"linkId": path, "answer": [_answer(value)]})

    for path, value in _facts_of(case):
        home = projection.home(path)
        if home is None or home == "QuestionnaireResponse":
            ask(path, value)
        elif home == "not-sent":
            continue
        elif home == "Claim.identifier":
            claim["identifier"] = [{"system": CASE_ID_SYSTEM, "value": value}]
        elif home == "Coverage.class.plan":
            coverage["class"] = [
                {"type": {"coding": [{"system": COVERAGE_CLASS, "code": "plan"}]}, "value": value}
            ]
        elif home == "Claim.item.servicedDate":
            item["servicedDate"] = value
            claim["created"] = value
            order["authoredOn"] = value
            order["dosageInstruction"] = [
                {"timing": {"repeat": {"boundsPeriod": {"start": value}}}}
            ]
        elif home == "Claim.item.productOrService.text":
            item["productOrService"]["text"] = value
            medication["text"] = value
        elif home == "Claim.item.productOrService.coding":
            codes = value if isinstance(value, list) else [value]
            billing = [{"system": HCPCS, "code": code} for code in codes]
            item["productOrService"]["coding"] = billing
            medication["coding"] = [*medication["coding"], *copy.deepcopy(billing)]
            medication["extension"] = [
                {
                    "url": "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-billing-options",
                    "valueCodeableConcept": {"coding": copy.deepcopy(billing)},
                }
            ]
        elif home == "Claim.item.quantity":
            item["quantity"] = {"value": value}
            order["dispenseRequest"] = {"quantity": {"value": value, "unit": "HCPCS billing unit"}}
        elif home == "Claim.diagnosis":
            codes = value if isinstance(value, list) else [value]
            claim["diagnosis"] = [
                {
                    "sequence": n,
                    "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM, "code": code}]},
                }
                for n, code in enumerate(codes, 1)
            ]
            for n, code in enumerate(codes, 1):
                others.append(
                    {
                        "resourceType": "Condition",
                        "id": f"dx{n}-{ids['patient']}",
                        "clinicalStatus": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                    "code": "active",
                                }
                            ]
                        },
                        "category": [
                            {
                                "coding": [
                                    {"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}
                                ]
                            }
                        ],
                        "code": {"coding": [{"system": ICD10CM, "code": code}]},
                        "subject": _ref(patient),
                    }
                )
            order["reasonCode"] = [{"coding": [{"system": ICD10CM, "code": c}]} for c in codes]
        elif home == "Patient.birthDate":
            patient["birthDate"] = value
        elif home == "DocumentReference":
            if not isinstance(value, list) or not all(isinstance(d, dict) for d in value):
                ask(path, value)
                continue
            for n, document in enumerate(value, 1):
                resource: dict[str, Any] = {
                    "resourceType": "DocumentReference",
                    "id": f"doc{n}-{ids['patient']}",
                    "status": "current",
                    "subject": _ref(patient),
                    "content": [{"attachment": {"contentType": "text/plain"}}],
                }
                rest = dict(document)
                if "kind" in rest:
                    resource["type"] = {
                        "coding": [{"system": DOCUMENT_KIND, "code": rest.pop("kind")}]
                    }
                if "description" in rest:
                    resource["description"] = rest.pop("description")
                if rest:
                    # A field of a document no home knows: its whole entry goes by questionnaire.
                    ask(f"{path}.{n}", document)
                    continue
                others.append(resource)
        elif home == "Observation":
            observed = _observation_value(projection, path, value)
            if observed is None:
                ask(path, value)
                continue
            spec = projection.facts[path]
            others.append(
                {
                    "resourceType": "Observation",
                    "id": f"{spec['code']['code'][:40]}-{ids['patient']}".replace("_", "-"),
                    "status": "final",
                    "code": {"coding": [dict(spec["code"])]},
                    "subject": _ref(patient),
                    **observed,
                }
            )
        elif home == "Condition":
            coding = projection.coding(path, value)
            if coding is None:
                ask(path, value)
                continue
            others.append(
                {
                    "resourceType": "Condition",
                    "id": ids["disease"],
                    "category": [
                        {"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]}
                    ],
                    "code": {"coding": [coding]},
                    "subject": _ref(patient),
                }
            )
        else:  # pragma: no cover - the schema's enum and this chain are kept in step by tests
            raise ProjectionError(f"{path}: no projector for home {home!r}")
    if answers:
        others.append(
            {
                "resourceType": "QuestionnaireResponse",
                "id": ids["dtr"],
                "questionnaire": projection.questionnaire,
                "status": "completed",
                "subject": _ref(patient),
                "item": answers,
            }
        )
    supporting = [r for r in others if r["resourceType"] != "Condition"]
    if supporting:
        claim["supportingInfo"] = [
            {
                "sequence": n,
                "category": {
                    "coding": [
                        {
                            "system": "http://hl7.org/us/davinci-pas/CodeSystem/PASSupportingInfoType",
                            "code": "additionalInformation",
                        }
                    ]
                },
                "valueReference": _ref(r),
            }
            for n, r in enumerate(supporting, 1)
        ]
    if not claim["created"]:
        del claim["created"]
    return [claim, patient, coverage, payer, prescriber, order, *others]


# --- resources back into a case -------------------------------------------------------------


def _codings(concept: object) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _has_category(resource: Mapping[str, Any], code: str) -> bool:
    return any(
        c.get("code") == code
        for category in resource.get("category") or []
        for c in _codings(category)
    )


def _put(case: dict[str, Any], path: str, value: Any) -> None:
    head, _, tail = path.partition(".")
    if not tail:
        case[head] = value
        return
    target = case.setdefault(head, {})
    if not isinstance(target, dict):
        raise ProjectionError(f"{path}: {head} is sent both as a value and as an object")
    target[tail] = value


def _one(resources: Iterable[Mapping[str, Any]], kind: str) -> dict[str, Any]:
    found = [dict(r) for r in resources if r.get("resourceType") == kind]
    if len(found) != 1:
        raise ProjectionError(f"the request carries {len(found)} {kind} resources, not one")
    return found[0]


def policy_of(resources: Iterable[Mapping[str, Any]]) -> str:
    """The policy a request is for: its Coverage's plan."""
    coverage = _one(resources, "Coverage")
    for cls in coverage.get("class") or []:
        if isinstance(cls, dict) and any(
            c.get("code") == "plan" for c in _codings(cls.get("type"))
        ):
            return str(cls.get("value"))
    raise ProjectionError("the Coverage names no plan (Coverage.class of type plan)")


def case_from_resources(resources: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The case a request's resources carry, read through its policy's projection.

    The inverse of :func:`resources_of`; raises :class:`ProjectionError` on FHIR the projection
    cannot read (which a payer's face turns into an OperationOutcome).
    """
    policy_id = policy_of(resources)
    projection = projection_for(policy_id)
    claim = _one(resources, "Claim")
    patient = _one(resources, "Patient")
    case: dict[str, Any] = {"clinical": {}}
    item = (claim.get("item") or [{}])[0]
    product = item.get("productOrService") or {}
    for path, spec in projection.facts.items():
        home = spec["home"]
        if home == "Claim.identifier":
            for identifier in claim.get("identifier") or []:
                if identifier.get("system") == CASE_ID_SYSTEM:
                    _put(case, path, identifier.get("value"))
        elif home == "Coverage.class.plan":
            _put(case, path, policy_id)
        elif home == "Claim.item.servicedDate" and "servicedDate" in item:
            _put(case, path, item["servicedDate"])
        elif home == "Claim.item.productOrService.text" and "text" in product:
            _put(case, path, product["text"])
        elif home == "Claim.item.productOrService.coding" and "coding" in product:
            _put(case, path, [c.get("code") for c in product["coding"] if c.get("system") == HCPCS])
        elif home == "Claim.item.quantity" and "quantity" in item:
            _put(case, path, item["quantity"].get("value"))
        elif home == "Claim.diagnosis" and "diagnosis" in claim:
            ordered = sorted(claim["diagnosis"], key=lambda d: d.get("sequence", 0))
            _put(
                case,
                path,
                [
                    c.get("code")
                    for d in ordered
                    for c in _codings(d.get("diagnosisCodeableConcept"))
                    if c.get("system") == ICD10CM
                ],
            )
        elif home == "Patient.birthDate" and "birthDate" in patient:
            _put(case, path, patient["birthDate"])
        elif home == "DocumentReference":
            documents = []
            for r in resources:
                if r.get("resourceType") != "DocumentReference":
                    continue
                document: dict[str, Any] = {}
                kinds = [
                    c["code"] for c in _codings(r.get("type")) if c.get("system") == DOCUMENT_KIND
                ]
                if kinds:
                    document["kind"] = kinds[0]
                if "description" in r:
                    document["description"] = r["description"]
                documents.append(document)
            if documents:
                _put(case, path, documents)
        elif home == "Condition":
            for r in resources:
                if r.get("resourceType") == "Condition" and _has_category(r, "problem-list-item"):
                    for coding in _codings(r.get("code")):
                        value = projection.value_of(path, coding)
                        if value is not None:
                            _put(case, path, value)
    for r in resources:
        if r.get("resourceType") == "Observation":
            _read_observation(case, projection, r)
    for r in resources:
        if r.get("resourceType") == "QuestionnaireResponse":
            _read_answers(case, r)
    return case


def _read_observation(case: dict[str, Any], projection: Projection, r: Mapping[str, Any]) -> None:
    for coding in _codings(r.get("code")):
        path = projection._by_code.get((str(coding.get("system")), str(coding.get("code"))))
        if path is None:
            continue
        if "valueBoolean" in r:
            _put(case, path, r["valueBoolean"])
        elif "valueQuantity" in r:
            _put(case, path, (r["valueQuantity"] or {}).get("value"))
        elif "valueString" in r:
            _put(case, path, r["valueString"])
        elif "valueCodeableConcept" in r:
            for value_coding in _codings(r["valueCodeableConcept"]):
                value = projection.value_of(path, value_coding)
                if value is None:
                    raise ProjectionError(
                        f"Observation {r.get('id')}: {path}: the coding {value_coding} is not one "
                        "of the projection's values"
                    )
                _put(case, path, value)
        return


def _read_answers(case: dict[str, Any], r: Mapping[str, Any]) -> None:
    documents: dict[int, Any] = {}
    for entry in r.get("item") or []:
        link = str(entry.get("linkId", ""))
        answers = entry.get("answer") or []
        if len(answers) != 1:
            raise ProjectionError(f"questionnaire item {link!r} carries {len(answers)} answers")
        value = _answered(answers[0])
        head, _, index = link.rpartition(".")
        if head == "documentation" and index.isdigit():
            documents[int(index)] = value
            continue
        _put(case, link, value)
    if documents:
        listed = case.setdefault("documentation", [])
        for position in sorted(documents):
            listed.insert(position - 1, documents[position])


def claim_of_order(order: Mapping[str, Any], request_id: str) -> dict[str, Any]:
    """The Claim a CRD draft order stands for, so that an order reads back through the same
    projection as a PAS request: its date, billing codes, units and reasons as a Claim's item
    and diagnoses, and ``request_id`` (the hook instance) as its identifier.
    """
    concept = order.get("medicationCodeableConcept") or {}
    repeat = ((order.get("dosageInstruction") or [{}])[0].get("timing") or {}).get("repeat") or {}
    item: dict[str, Any] = {
        "sequence": 1,
        "productOrService": {
            k: v
            for k, v in (
                ("coding", [c for c in concept.get("coding") or [] if c.get("system") == HCPCS]),
                ("text", concept.get("text")),
            )
            if v is not None
        },
    }
    start = (repeat.get("boundsPeriod") or {}).get("start")
    if start is not None:
        item["servicedDate"] = start
    quantity = (order.get("dispenseRequest") or {}).get("quantity")
    if isinstance(quantity, dict) and "value" in quantity:
        item["quantity"] = {"value": quantity["value"]}
    claim: dict[str, Any] = {
        "resourceType": "Claim",
        "id": "from-order",
        "use": "preauthorization",
        "identifier": [{"system": CASE_ID_SYSTEM, "value": request_id}],
        "item": [item],
    }
    reasons = [c for r in order.get("reasonCode") or [] for c in _codings(r)]
    if "reasonCode" in order:
        claim["diagnosis"] = [
            {"sequence": n, "diagnosisCodeableConcept": {"coding": [c]}}
            for n, c in enumerate(reasons, 1)
        ]
    return claim
