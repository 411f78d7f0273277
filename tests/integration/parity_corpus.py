"""Deterministic mutations of the flagship spec, for the engine differential test.

Each mutation changes one thing a reviewer or an attacker would change (a risk tier, an
owner, a canary weight, an approval, a waiver, an environment's tier...) and names a rule
code it must bring out (``None`` where the finding depends on rules still moving), so the
corpus is known to reach the rules it is meant to compare.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Doc = dict[str, Any]


def _model(d: Doc) -> Doc:
    return d["models"]["fraud-detector"]


def _canary(d: Doc) -> Doc:
    return d["deployments"]["fraud-scorer"]


def _set(get: Callable[[Doc], Doc], key: str, value: Any) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        get(d)[key] = value
    return mutate


def _drop(get: Callable[[Doc], Doc], *keys: str) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        for key in keys:
            get(d).pop(key, None)
    return mutate


def _both(*mutations: Callable[[Doc], None]) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        for m in mutations:
            m(d)
    return mutate


def _waiver(rule: str, subject: str, expires: str) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        d.setdefault("waivers", {})["exception"] = {
            "rule": rule, "subject": subject, "reason": "Tracked in RISK-12.",
            "approver": "ciso@acme.example", "expires": expires}
    return mutate


def _rename_prod(d: Doc) -> None:
    d["environments"]["live"] = d["environments"].pop("prod")
    for dep in d["deployments"].values():
        if dep.get("environment") == "prod":
            dep["environment"] = "live"


def _drop_shadow(d: Doc) -> None:
    d["deployments"].pop("fraud-scorer-shadow")
    for name in ("shadow-availability", "shadow-latency"):
        d["slos"].pop(name)
    d["monitors"].pop("shadow-feature-drift")


def _approvals(*entries: tuple[str, str]) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        _model(d)["approvals"] = [{"by": by, "role": role, "date": "2026-11-05",
                                   "stage": "production"} for by, role in entries]
    return mutate


def _steps(d: Doc) -> list[Doc]:
    return d["pipelines"]["fraud-training"]["steps"]


def _step_set(key: str, value: Any) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        _steps(d)[0][key] = value
    return mutate


def _field(key: str) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        d["datasets"]["transactions"]["fields"][1].pop(key, None)
    return mutate


def _governance(section: str, key: str, value: Any) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        d["governance"].setdefault(section, {})[key] = value
    return mutate


def _disable(rule: str) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        d["governance"]["disabled_rules"] = [
            {"rule": rule, "reason": "not for us", "approver": "me@acme.example"}]
    return mutate


MUTATIONS: dict[str, tuple[Callable[[Doc], None], str | None]] = {
    "tier-minimal": (_set(_model, "risk_tier", "minimal"), None),
    "tier-low": (_set(_model, "risk_tier", "low"), None),
    "tier-medium": (_set(_model, "risk_tier", "medium"), None),
    "tier-unacceptable": (_set(_model, "risk_tier", "unacceptable"), "GOV-006"),
    "tier-unknown": (_set(_model, "risk_tier", "extreme"), None),
    "tier-absent": (_drop(_model, "risk_tier"), "GOV-002"),
    "model-owner-absent": (_drop(_model, "owner"), "GOV-001"),
    "model-owner-blank": (_set(_model, "owner", "   "), None),
    "deployment-owner-absent": (_drop(_canary, "owner"), "GOV-001"),
    "canary-starts-at-half": (
        lambda d: _canary(d)["rollout"].update(steps=[{"weight": 50}, {"weight": 100}]),
        "DEP-003"),
    "canary-without-analysis": (lambda d: _canary(d)["rollout"].pop("analysis"), "DEP-005"),
    "no-rollback": (lambda d: _canary(d)["rollout"].pop("rollback"), "DEP-006"),
    "no-approvals": (_drop(_model, "approvals"), "GOV-003"),
    "one-approval": (_approvals(("maria.keller@acme.example", "ml-lead")), "GOV-003"),
    "same-approver-twice": (_approvals(("tom.okafor@acme.example", "risk"),
                                       ("tom.okafor@acme.example", "risk")), None),
    "no-required-role": (_approvals(("a@acme.example", "ml-lead"),
                                    ("b@acme.example", "engineer")), "GOV-004"),
    "waived-approvals": (_both(_drop(_model, "approvals"),
                               _waiver("GOV-003", "models.fraud-detector", "2027-06-30")), None),
    "expired-waiver": (_both(_drop(_model, "approvals"),
                             _waiver("GOV-003", "models.fraud-detector", "2020-01-01")),
                       "GOV-003"),
    "star-waiver": (_both(_drop(_model, "owner"), _waiver("GOV-001", "*", "9999-12-31")),
                    None),
    "disabled-owner-rule": (_both(_drop(_model, "owner"), _disable("GOV-001")), None),
    "stage-development": (_set(_model, "stage", "development"), None),
    "stage-staging": (_set(_model, "stage", "staging"), None),
    "no-model-card": (_drop(_model, "card"), "MDL-001"),
    "blank-fairness-card": (
        lambda d: _model(d)["card"].update(fairness_assessment="  "), None),
    "no-shadow-stage": (_drop_shadow, "GOV-011"),
    "prod-tier-development": (
        lambda d: d["environments"]["prod"].update(tier="development"), None),
    "prod-renamed-live": (_rename_prod, None),
    "serving-image-latest": (_set(_canary, "image", "ghcr.io/acme/fraud-scorer:latest"),
                             "DEP-009"),
    "step-image-latest": (_step_set("image", "ghcr.io/acme/fraud-train:latest"), "PIPE-001"),
    "privileged-step": (_step_set("security", {"privileged": True}), "SEC-001"),
    "literal-secret": (lambda d: _canary(d)["env"].update(FEATURE_STORE_TOKEN="abc123"),
                       "SEC-005"),
    "endless-retries": (_step_set("retries", {"limit": 50}), "PIPE-004"),
    "loosened-thresholds": (_both(_governance("data", "max_retries", 50),
                                  _governance("data", "canary_max_first_weight", 60)),
                            "GOV-012"),
    "loosened-tier": (lambda d: d["governance"]["risk_tiers"]["high"].update(approvals=1),
                      "GOV-012"),
    "foreign-registry": (_governance("data", "allowed_registries", ["docker.io/other"]),
                         "SEC-006"),
    "credit-regulations": (_set(_model, "regulations", ["ecoa", "fcra"]), None),
    "health-regulation": (_set(_model, "regulations", ["hipaa"]), "REG-004"),
    "regulation-case": (_set(_model, "regulations", ["GDPR", "EU-AI-Act"]), None),
    "no-explainability": (_drop(_model, "explainability"), "GOV-009"),
    "no-human-oversight": (_drop(_model, "human_oversight"), "GOV-008"),
    "no-fairness": (_drop(_model, "fairness"), "GOV-010"),
    "no-thresholds": (lambda d: [m.pop("threshold") for m in _model(d)["metrics"].values()],
                      "MDL-010"),
    "field-without-type": (_field("type"), "DATA-001"),
    "pii-unclassified": (_field("classification"), "DATA-003"),
    "one-replica": (_both(_drop(_canary, "autoscaling"), _set(_canary, "replicas", 1)),
                    "DEP-001"),
    "no-monitors": (lambda d: [d["monitors"].pop(k) for k in list(d["monitors"])
                               if k.startswith("transactions")], None),
}


def mutated(doc: Doc, name: str) -> Doc:
    """A deep copy of ``doc`` with mutation ``name`` applied."""
    copied = copy.deepcopy(doc)
    MUTATIONS[name][0](copied)
    return copied
