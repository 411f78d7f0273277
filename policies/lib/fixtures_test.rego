# Test fixtures: a compliant platform (a high-risk production model with a shadow stage and
# a canary) that tests change one field at a time. Loaded only by `mlopsc policy test`.
package mlopsc.lib.fixtures

import rego.v1

digest := "@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

secure := {"run_as_non_root": true, "run_as_user": null, "privileged": false,
	"host_network": false, "read_only_root_filesystem": true, "allow_privilege_escalation": false}

dataset := {"id": "dataset:d", "name": "d", "path": "datasets.d", "owner": "team-data",
	"version": "1.0.0", "fields": [
		{"name": "user_id", "type": "string", "kind": null, "pii": true, "classification": "confidential", "purpose": "joins events to the account"},
		{"name": "amount", "type": "float", "kind": "continuous", "pii": false, "classification": null},
		{"name": "country", "type": "category", "kind": "categorical", "pii": false, "classification": null},
	],
	"retention_s": 63072000, "erasure": true, "deidentified": false, "personal_data": true}

step := {"id": "pipeline:p/step:train", "name": "train", "path": "pipelines.p.steps[0]",
	"image": concat("", ["ghcr.io/acme/train", digest]), "env": [],
	"resources": {"cpu": "1", "memory": "1Gi"}, "retry": {"limit": 2}, "security": secure}

pipeline := {"id": "pipeline:p", "name": "p", "path": "pipelines.p", "owner": "team-ml",
	"schedule": "0 2 * * *", "triggers": [{"type": "drift", "dataset": null, "monitor": "monitor:drift"}],
	"inputs": [{"dataset": "dataset:d", "version": "1.0.0"}], "steps": [step], "model": "model:m"}

model := {"id": "model:m", "name": "m", "path": "models.m", "owner": "team-ml", "version": "1.0.0",
	"stage": "production", "artifact_uri": "s3://models/m", "artifact_encrypted": true,
	"history": [
		{"stage": "staging", "version": "1.0.0", "date": "2026-01-01"},
		{"stage": "production", "version": "1.0.0", "date": "2026-01-10"},
	],
	"risk_tier": "high",
	"card": {"intended_use": "u", "limitations": "l", "ethical_considerations": "e",
		"fairness_assessment": "f", "maintenance": "m"},
	"training": {"pipeline": "pipeline:p", "datasets": [{"dataset": "dataset:d", "version": "1.0.0"}],
		"code_version": "abc123", "image": concat("", ["ghcr.io/acme/train", digest]), "continuous": true},
	"input_schema": [{"name": "amount", "type": "float", "kind": "continuous", "pii": false}],
	"metrics": [{"name": "auc", "value": 0.9, "threshold": 0.8, "baseline": 0.7, "higher_is_better": true}],
	"fairness": {"protected_attributes": ["age"], "disparate_impact_tested": true, "assessment": "ok",
		"metrics": [{"name": "dpd", "threshold": 0.05, "value": 0.01, "higher_is_better": false}]},
	"explainability": {"method": "shap", "per_decision": true},
	"human_oversight": {"description": "analysts review", "reviewers": ["ops"]},
	"approvals": [
		{"by": "a@acme.example", "role": "ml-lead", "date": "2026-01-05", "stage": "production", "version": "1.0.0"},
		{"by": "b@acme.example", "role": "risk", "date": "2026-01-06", "stage": "production", "version": "1.0.0"},
	],
	"regulations": ["gdpr"], "risk_assessment": "https://wiki/risk/m"}

deployment := {"id": "deployment:web", "name": "web", "path": "deployments.web",
	"model": "model:m", "model_name": "m", "version": "1.0.0", "environment": "prod", "environment_tier": "production", "owner": "team-ml",
	"mode": "online", "image": concat("", ["ghcr.io/acme/serve", digest]),
	"env": [{"name": "DB_TOKEN", "value": null, "secret": "db", "secret_key": "token"}],
	"replicas": null, "autoscaling": {"min_replicas": 3, "max_replicas": 10},
	"resources": {"cpu": "1", "memory": "1Gi", "cpu_limit": null, "memory_limit": "1Gi", "gpu_count": 0, "gpu_type": null},
	"rollout": {"strategy": "canary", "steps": [{"weight": 5}, {"weight": 50}, {"weight": 100}],
		"mirror_percent": null, "match": null, "candidate_weight": null,
		"analysis": {"slos": ["slo:avail"]}, "rollback": [{"type": "slo_breach", "slo": "slo:avail"}]},
	"security": secure, "risk_tier": "high", "slos": ["slo:avail", "slo:latency"], "monitors": ["monitor:drift"]}

shadow := object.union(deployment, {"id": "deployment:web-shadow", "name": "web-shadow",
	"path": "deployments.web-shadow", "rollout": {"strategy": "shadow", "steps": [],
	"mirror_percent": 100, "mirror_of": "web", "analysis": null, "rollback": [{"type": "error_rate", "threshold": 0.02}]},
	"slos": [], "monitors": []})

slo(name, type) := {"id": concat(":", ["slo", name]), "name": name, "path": concat(".", ["slos", name]),
	"deployment": "deployment:web", "sli": {"type": type}, "objective": 99.9,
	"runbook": "https://runbooks/x", "routing": {"team": "team-ml", "receiver": null, "labels": {}}}

monitor := {"id": "monitor:drift", "name": "drift", "path": "monitors.drift", "type": "data_drift",
	"deployment": "deployment:web", "model": "model:m", "dataset": "dataset:d",
	"features": [{"name": "amount", "kind": "continuous", "pii": false}],
	"routing": {"team": "team-ml", "receiver": null, "labels": {}}, "runbook": "https://runbooks/drift"}

doc := {
	"environments": {"prod": {"id": "environment:prod", "name": "prod", "path": "environments.prod",
		"namespace": "prod", "description": null, "cluster": null, "tier": "production", "tier_declared": true}},
	"features": {}, "waivers": {},
	"datasets": {"d": dataset},
	"pipelines": {"p": pipeline},
	"models": {"m": model},
	"deployments": {"web": deployment, "web-shadow": shadow},
	"slos": {"avail": slo("avail", "availability"), "latency": slo("latency", "latency")},
	"monitors": {"drift": monitor},
	"governance": {"risk_tiers": {}, "regulations": [], "policies": [], "disabled_rules": [], "data": {}},
}

# The document with one entity changed (a recursive merge; null clears a field).
with_model(patch) := object.union(doc, {"models": {"m": patch}})

with_dataset(patch) := object.union(doc, {"datasets": {"d": patch}})

with_pipeline(patch) := object.union(doc, {"pipelines": {"p": patch}})

with_step(patch) := with_pipeline({"steps": [object.union(step, patch)]})

with_deployment(patch) := object.union(doc, {"deployments": {"web": patch}})

with_monitor(patch) := object.union(doc, {"monitors": {"drift": patch}})

# The document without deployments: its models are judged at their registry stage.
unserved(d) := json.patch(d, [{"op": "replace", "path": "/deployments", "value": {}}])

# The document with both deployments in a staging-tier environment.
in_staging(d) := object.union(d, {"deployments": {
	"web": {"environment": "staging", "environment_tier": "staging"},
	"web-shadow": {"environment": "staging", "environment_tier": "staging"},
}})

# The codes a set of findings carries.
codes(findings) := {f.code | some f in findings}
