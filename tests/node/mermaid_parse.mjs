// Parses Mermaid files with Mermaid's own parser and prints what it read, as JSON:
//   node mermaid_parse.mjs FILE...
//   -> {"FILE": {"type": ..., "vertices": [{id, text, type, classes}], "edges": [{start, end, text}]}}
//   or {"FILE": {"error": "..."}} for a file Mermaid refuses.
// Mermaid needs a DOM even to parse (it sanitises labels with DOMPurify), hence jsdom.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

const result = {};
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  try {
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    const found = db.getVertices();
    const vertices = [...(found instanceof Map ? found.values() : Object.values(found))];
    result[file] = {
      type: diagram.type,
      vertices: vertices.map((v) => ({ id: v.id, text: v.text, type: v.type, classes: v.classes })),
      edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: e.text })),
    };
  } catch (error) {
    result[file] = { error: String(error?.message ?? error).split("\n")[0] };
  }
}
process.stdout.write(JSON.stringify(result));
