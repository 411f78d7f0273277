"""Codes of the policy gate: problems with policies, waivers and switched-off rules.

Findings of the Rego rules themselves carry the rule's own code (``GOV-001``, ``SEC-003``);
the codes here are about the gate: a policy that cannot be parsed or evaluated or that ran
past its time or memory limit, a finding that cannot be read, waivers that expired or
matched nothing, rules switched off.
"""

from mlopsc.codes import Code

CODES = (
    Code("E401", "Rego syntax error",
         "A policy file of a bundle cannot be parsed. The gate fails closed: no policy of a "
         "broken bundle is trusted to have passed. Policies are Rego v1 (`import rego.v1`, "
         "`contains` and `if` in rule heads).",
         "fix the .rego file at the position shown; `mlopsc policy test DIR` parses it too"),
    Code("E402", "Rego evaluation error",
         "A policy rule failed while it was evaluated (e.g. a built-in got an argument of the "
         "wrong type). Its findings are unknown, so the gate blocks.",
         "guard the expression (e.g. check the field exists and has the expected type)"),
    Code("E403", "malformed policy finding",
         "A `deny` or `warn` rule produced something other than an object with a string "
         "`code`, a string `msg` and a `path` (a spec path string or an array of keys and "
         "indices).",
         'produce `{"code": "ORG-001", "msg": "...", "path": sprintf("%s.owner", [m.path])}`'),
    Code("E404", "invalid rule annotation",
         "A `# METADATA` annotation of a rule is not valid YAML or lacks `custom.code`; mlopsc "
         "reads each rule's title, description, code, severity and subjects from it.",
         "see docs/policies.md for the annotation every rule carries"),
    Code("E405", "policy bundle not found",
         "A bundle directory listed in `governance.policies` does not exist or holds no "
         "`.rego` file. A missing bundle never passes silently.",
         "paths in `governance.policies` are relative to the spec file"),
    Code("E406", "policy evaluation exceeded its time or memory limit",
         "The policy evaluation ran longer than `--policy-timeout` seconds (default 30) or "
         "used more than `--policy-memory` MiB (default 2048), and was stopped. A policy from "
         "the spec (`governance.policies`) is code from the change under review, so every "
         "evaluation runs in a child process with these limits. Its findings are unknown, so "
         "the gate fails closed; the message names the rule that was running.",
         "make the rule cheaper (no nested iteration over large ranges), or raise "
         "`--policy-timeout` / `--policy-memory` if the policy is trusted and the spec large"),
    Code("E407", "organisation data: wrong type or value",
         "A value in a `--data` file (or in the spec's `governance.data`) does not match the "
         "published schema of organisation data (`mlopsc/schema/org-data.json`, "
         "docs/policies.md). Rego compares a quoted number as text, so `\"50\"` would switch "
         "its rule off in silence; the gate blocks instead.",
         "write the value as the schema says (numbers without quotes)"),
    Code("E408", "organisation data: unknown key",
         "A key in a `--data` file (or in `governance.data`) is not one the schema of "
         "organisation data defines. A misspelt key would leave its rule at the default in "
         "silence. Data for an organisation's own bundles goes under `custom`.",
         "correct the key (see the did-you-mean), or move your own data under `custom`"),
    Code("E409", "the spec sets organisation data",
         "The spec's `governance.data` sets a key only the organisation sets "
         "(`mandatory_rules`, `waivers`, `custom`), or adds a registry to "
         "`allowed_registries` that the organisation's list does not allow. The spec under "
         "review may tighten thresholds, never set its own terms or widen the organisation's.",
         "remove the key or entry from `governance.data`"),
    Code("E410", "mandatory rule switched off",
         "`governance.disabled_rules` names a rule that the organisation made mandatory: "
         "listed in `mandatory_rules` of its data (`--data`), or annotated "
         "`custom.mandatory: true` in one of its `--policy` bundles. The spec under review "
         "cannot switch it off: the entry is refused and the rule runs.",
         "remove the entry and fix the findings; only the organisation can change which "
         "rules are mandatory"),
    Code("E411", "mandatory rule waived",
         "A waiver names a rule that the organisation made mandatory (`mandatory_rules` in "
         "`--data`, or `custom.mandatory: true` in a `--policy` bundle). The waiver excuses "
         "nothing.",
         "remove the waiver and fix the finding"),
    Code("E412", "waiver term too long",
         "A waiver expires later than `waivers.max_days` (organisation data) after the run's "
         "date (`--today`, SOURCE_DATE_EPOCH or today). It excuses nothing.",
         "set `expires` within the organisation's maximum term"),
    Code("E413", "approver not allowed",
         "The approver of a waiver or a disabled rule is not on the organisation's "
         "`waivers.approvers` list. The exception is refused.",
         "have someone on the organisation's list approve it"),
    Code("E414", "approver owns what is excused",
         "The approver of a waiver owns an entity whose findings it would excuse (or, for a "
         "disabled rule, owns any entity of the spec or the platform). Nobody approves their "
         "own exception; it is refused.",
         "have someone independent of the owner approve it"),
    Code("E415", "spec policy in a reserved package",
         "A policy bundle the spec names (`governance.policies`) declares a package under "
         "`org` or `mlopsc`. Those packages hold the organisation's data and the default "
         "bundle: a module there could set a threshold the organisation left at its default, "
         "or add to a library rule, and so switch rules off. The spec's own rules live in "
         "packages of their own; the gate blocks until the module moves.",
         "declare the module in a package of your own, e.g. `package acme.registry`"),
    Code("W401", "waiver expired",
         "A waiver's expiry date has passed; it no longer excuses findings, which block again.",
         "renew the waiver with a new approval, or fix the finding"),
    Code("W402", "unused waiver",
         "A waiver matched no finding: the problem was fixed, or the rule code or subject is "
         "wrong. Remove it so it cannot hide a future finding.",
         "remove the waiver, or correct its rule code or subject"),
    Code("W403", "policy rule switched off",
         "`governance.disabled_rules` switches a rule off for every subject. The rule is not "
         "evaluated and this warning reports it in every output.",
         "prefer a waiver on the subjects that need the exception, with an expiry"),
    Code("W404", "undeclared rule code",
         "A finding's code is not declared by any `# METADATA` annotation of the loaded "
         "bundles, so reports cannot show the rule's title and description.",
         "annotate the rule with `custom.code` (see docs/policies.md)"),
    Code("W405", "unknown rule switched off",
         "`governance.disabled_rules` names a rule code that no loaded bundle declares.",
         "correct the rule code (`mlopsc explain CODE`), or remove the entry"),
)
