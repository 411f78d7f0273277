"""Codes of the kubernetes area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = (
    Code("E530", "invalid label key",
         "Labels of the spec (`metadata.labels`, a deployment's `labels`) go on every object of "
         "the deployment, so each key must be a Kubernetes label key: an optional DNS-subdomain "
         "prefix and `/`, then at most 63 letters, digits, `-`, `_` or `.`, starting and ending "
         "with a letter or digit. The label is left out.",
         "e.g. `cost-center` or `acme.example/team`"),
    Code("W531", "label set by mlopsc",
         "mlopsc sets the `app.kubernetes.io/*` and `mlopsc.io/*` labels itself (selectors, "
         "model, version, risk tier) and Kubernetes reserves `kubernetes.io/` and `k8s.io/`; "
         "a spec label under these prefixes is ignored.",
         "use a label key of your own, e.g. `acme.example/tier`"),
    Code("W532", "label value rewritten",
         "A label value is at most 63 letters, digits, `-`, `_` or `.`, starting and ending "
         "with a letter or digit. A spec string that is not (a version like `2.0.0+build`, "
         "a label with spaces) is written with invalid characters replaced by `-` and a short "
         "hash of the original, so that two different strings stay different.",
         "use at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a "
         "letter or digit, to have the value written as is"),
    Code("E533", "strategy not expressible",
         "The chosen serving flavour or mode cannot express the rollout strategy: KServe has "
         "no traffic mirroring (shadow), no header or cookie routes (ab) and no blue-green "
         "switch; a streaming deployment takes no requests to mirror or route. No manifests "
         "are written for the deployment.",
         "use `flavour: deployment`, or a strategy the flavour supports"),
    Code("W534", "KServe canary loses steps",
         "KServe splits traffic by one `canaryTrafficPercent`: only the first canary step is "
         "written, later steps are manual edits of that number; in raw deployment mode "
         "(`--set kubernetes.kserve-mode=raw`) KServe ignores it and the new version takes all "
         "traffic at once.",
         "use the serverless mode, or `flavour: deployment` for Argo Rollouts steps"),
    Code("W535", "drift rollback has nothing to measure",
         "A `drift` rollback trigger becomes an analysis metric over the monitor's feature "
         "drift scores; the monitor lists no features, so the trigger is left out.",
         "list the features the monitor watches"),
    Code("E536", "analysis query cannot be built",
         "Analysis metrics are PromQL built from the SLIs' metric and label names, which must "
         "be Prometheus names; the deployment gets no AnalysisTemplate.",
         "e.g. metric `http_requests_total`, labels `service`, `code`"),
    Code("W537", "HPA cannot scale to zero",
         "`autoscaling.min_replicas: 0` needs scale-to-zero, which a HorizontalPodAutoscaler "
         "does not do by default; the HPA's minReplicas is 1.",
         "use `flavour: kserve` (serverless) to scale to zero"),
    Code("E538", "invalid A/B header name",
         "An A/B `match.header` becomes an Istio header match key, so it must be an HTTP "
         "header name (letters, digits and `!#$%&'*+.^_`|~-`); the match route is left out.",
         "e.g. `x-experiment-group`"),
    Code("W539", "analysis not run",
         "Only Argo Rollouts (canary, blue-green with `flavour: deployment`) runs analyses and "
         "aborts a rollout. Shadow and A/B deployments are static Istio routes and the KServe "
         "flavour has no analysis, so a `rollout.analysis` there is not run; the prometheus "
         "target still alerts on the SLOs. (Rollback triggers, which DEP-006 requires on every "
         "production deployment, are not warned about there; see docs/targets/kubernetes.md.)",
         "remove `analysis:`, or use the canary or blue-green strategy with "
         "`flavour: deployment`"),
    Code("E540", "analysis metric holds text Argo Rollouts would substitute",
         "Argo Rollouts replaces every `{{ ... }}` in an analysis metric (its whole JSON: "
         "name, query, conditions) with an argument, and fails the measurement when the tag "
         "is not a supplied `args.NAME`; there is no escape. mlopsc writes `{{` from spec "
         "strings inside PromQL literals as `{\\x7b`, so this appears only when a spec string "
         "reaches another part of a metric (for example an SLO or monitor name that the "
         "spec's name rules did not stop).",
         "remove `{{` from the SLO, monitor and feature names and the SLI values"),
    Code("W560", "drift is not a canary abort signal",
         "Feature drift is a property of the input traffic: stable and canary pods see the "
         "same requests, so a drift score cannot tell the new version from the old one. As "
         "a rollback trigger it would abort every canary while the inputs drift, including "
         "the canary of the model retrained because of that drift. The trigger is left out "
         "of the rollback template; the prometheus target still alerts on the drift monitor.",
         "remove the `drift` rollback trigger; use `slo_breach`, `error_rate` or `latency`, "
         "which compare the new pods against their SLO"),
    Code("E345", "Gateway API route has no Gateway",
         "With `traffic.router: gateway-api` every online canary, blue-green, shadow or A/B "
         "deployment gets an HTTPRoute, which must name the Gateway it attaches to "
         "(`parentRefs`); neither the deployment nor its environment sets "
         "`traffic.gateway.name`. No manifests are written for the deployment.",
         "set `traffic: {router: gateway-api, gateway: {name: GW, namespace: NS}}` on the "
         "environment"),
    Code("E346", "mirror share not expressible in the Gateway API",
         "The Gateway API's RequestMirror filter takes a whole `percent` or a `fraction` of "
         "two int32 numbers; the spec's `mirror_percent` needs a denominator above 2^31-1. "
         "This holds for a shadow routed by the Gateway API and for a shadow whose "
         "`mirror_of` deployment is (the filter goes on that deployment's HTTPRoute). No "
         "manifests are written for the shadow.",
         "use a whole percentage or one with a few decimals, e.g. `12.5`"),
    Code("E343", "shadow cannot mirror the deployment it names",
         "A shadow deployment's `rollout.mirror_of` names the deployment whose live traffic "
         "is copied to the shadow's candidate. It must be another online deployment, not a "
         "shadow, of the same environment and namespace (the mirror host is a Service of "
         "that namespace), and only one shadow may mirror a deployment (an Istio route has "
         "one mirror). No manifests are written for the shadow.",
         "set `mirror_of` to the online deployment clients call, in the same environment"),
    Code("E344", "mirrored deployment has no route for the mirror",
         "The mirror is written on the route of the mirrored deployment: the `primary` route "
         "of its Istio VirtualService, or the last rule of its Gateway API HTTPRoute (a "
         "RequestMirror filter). A rolling deployment has no route, and KServe has no "
         "traffic mirroring. No manifests are written for the shadow.",
         "mirror a `flavour: deployment` deployment with the canary, blue-green or ab "
         "strategy"),
    Code("W561", "shadow mirrors no live traffic",
         "A shadow without `rollout.mirror_of` runs a stable and a candidate copy behind its "
         "own host and mirrors only the requests sent to that host. Clients call another "
         "deployment, so live traffic reaches the candidate only if something sends it to "
         "the shadow's host; nothing mlopsc writes does.",
         "set `rollout: {strategy: shadow, mirror_of: NAME}` with the deployment clients call"),
    Code("W562", "mirror_of on a strategy other than shadow",
         "`rollout.mirror_of` names the deployment whose traffic a shadow mirrors; on any "
         "other strategy nothing reads it.",
         "remove `mirror_of`, or use `strategy: shadow`"),
    Code("W563", "cookie match is implementation-specific",
         "The Gateway API has no cookie match: an A/B `match.cookie` becomes a "
         "`RegularExpression` match on the `Cookie` header, whose support and regex dialect "
         "are implementation-specific, so some Gateways reject or misread the route.",
         "check that your Gateway supports RegularExpression header matches, or use "
         "`match.header`"),
    Code("W564", "gateway-api router does not apply",
         "The Gateway API router writes HTTPRoutes for online deployments served by plain "
         "workloads; a KServe deployment routes its own traffic and a batch or streaming "
         "deployment takes no requests, so the deployment's own `traffic.router: "
         "gateway-api` writes no HTTPRoute (an environment-wide choice skips them silently).",
         "remove `traffic.router: gateway-api` from the deployment"),
)
