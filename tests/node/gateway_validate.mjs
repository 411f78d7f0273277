// Validates Gateway API objects (JSON array on stdin) with the validators that
// @kubernetes-models/gateway-api generated from the Gateway API CRDs' OpenAPI schemas.
// Prints one JSON line per object: {"kind", "name", "errors": [...]}.
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { Gateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway";

const KINDS = { HTTPRoute, Gateway };
let input = "";
for await (const chunk of process.stdin) input += chunk;
for (const obj of JSON.parse(input)) {
  const Model = KINDS[obj.kind];
  let errors = [];
  if (!Model || obj.apiVersion !== "gateway.networking.k8s.io/v1") {
    errors = [`not a gateway.networking.k8s.io/v1 kind this tool knows: ${obj.kind}`];
  } else {
    try { new Model(obj).validate(); } catch (e) { errors = [String(e.message || e)]; }
  }
  console.log(JSON.stringify({ kind: obj.kind, name: obj.metadata?.name, errors }));
}
