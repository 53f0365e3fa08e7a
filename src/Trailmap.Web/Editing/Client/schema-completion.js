// Completion from the journey format's JSON Schema (the one `trailmap schema` prints): the keys allowed at the
// cursor's path, a key's enum values, true/false, and the ids of stages, KPIs, touchpoints and moments where the
// schema says a value refers to one of them.
import { completionSite, openers, pathAt } from "./yaml-path.js";

// Every schema a node may match: $ref, allOf, anyOf and oneOf followed, as a flat list.
function alternatives(schema, root, seen = new Set()) {
  if (!schema || typeof schema !== "object" || seen.has(schema)) return [];
  seen.add(schema);
  if (schema.$ref) {
    const target = schema.$ref.replace(/^#\//, "").split("/").reduce((node, part) => node && node[part], root);
    return [schema, ...alternatives(target, root, seen)];
  }
  const nested = [...(schema.allOf || []), ...(schema.anyOf || []), ...(schema.oneOf || [])];
  return [schema, ...nested.flatMap((s) => alternatives(s, root, seen))];
}

function child(schemas, segment, root) {
  const next = [];
  for (const s of schemas) {
    if (segment === "[]") {
      if (s.items) next.push(s.items);
    } else if (s.properties && s.properties[segment]) {
      next.push(s.properties[segment]);
    } else if (s.additionalProperties && typeof s.additionalProperties === "object") {
      next.push(s.additionalProperties);
    }
  }
  return next.flatMap((s) => alternatives(s, root));
}

export function schemasAt(schema, path) {
  let schemas = alternatives(schema, schema);
  for (const segment of path) schemas = child(schemas, segment, schema);
  return schemas;
}

// Which ids a value (or each item of a list) refers to, read from the schema's own description of the field.
export function referenceKind(schemas) {
  const text = schemas.map((s) => s.description || "").join(" ").toLowerCase();
  if (/\b(stage id|ids? of the stages?|id of the stage)\b/.test(text)) return "stages";
  if (/\b(ids? of the kpis?|id of the kpi)\b/.test(text)) return "kpis";
  if (/\bid of a touchpoint\b/.test(text)) return "touchpoints";
  if (/\bmoment id\b/.test(text)) return "moments";
  return null;
}

function describe(schema) {
  return schema.description ? schema.description : undefined;
}

function keyOptions(schemas, siblings) {
  const seen = new Set();
  const options = [];
  for (const s of schemas) {
    for (const [name, property] of Object.entries(s.properties || {})) {
      if (seen.has(name) || siblings.has(name)) continue;
      seen.add(name);
      options.push({ label: name, type: "property", info: describe(property), apply: name + ": " });
    }
  }
  return options;
}

// `lists` are the schemas of the list the value is an item of: a list of ids says so in its own description.
function valueOptions(schemas, ids, lists = []) {
  const options = [];
  const seen = new Set();
  const add = (label, type, detail) => {
    if (seen.has(label)) return;
    seen.add(label);
    options.push({ label, type, detail });
  };
  for (const s of schemas) {
    for (const v of s.enum || []) add(String(v), "enum");
    const types = [].concat(s.type || []);
    if (types.includes("boolean") && !types.includes("string")) {
      add("true", "keyword");
      add("false", "keyword");
    }
  }
  const kind = referenceKind(schemas) || referenceKind(lists);
  if (kind) for (const id of ids[kind] || []) add(id, "variable", kind.replace(/s$/, "") + " id");
  return options;
}

// The keys already written in the mapping the cursor is in, so they are not offered twice.
function siblingKeys(lines, lineIndex, column) {
  const found = new Set();
  const scan = (from, step) => {
    for (let n = from; n >= 0 && n < lines.length; n += step) {
      const o = openers(lines[n]);
      if (!o) continue;
      const key = o.find((x) => x.kind === "key");
      const first = o[0];
      const startsItem = first.kind === "item" && key !== undefined && key.column === column;
      // A less indented line ends the mapping; above, the "- key:" that starts this list item is still part of it.
      if (first.column < column && (step > 0 || !startsItem)) return;
      if (key && key.column === column) found.add(key.name);
      if (startsItem) return;
    }
  };
  scan(lineIndex - 1, -1);
  scan(lineIndex + 1, 1);
  return found;
}

// A CodeMirror completion source; `schema()` gives the parsed JSON Schema (or null until it has loaded) and `ids()`
// the ids the server last read from the text.
export function schemaCompletion(schema, ids) {
  return (context) => {
    const root = schema();
    if (!root) return null;
    const line = context.state.doc.lineAt(context.pos);
    const site = completionSite(line.text, context.pos - line.from);
    if (!site) return null;
    // An empty key waits for a letter, except right after "- " (where a list of ids offers them) or when asked.
    const typed = line.text.slice(0, context.pos - line.from);
    if (site.kind === "key" && site.from === context.pos && !context.explicit && !/- $/.test(typed)) return null;
    const lines = context.state.doc.toString().split("\n");
    const lineIndex = line.number - 1;
    const path = pathAt(lines, lineIndex, site.column, site.before);
    let options;
    if (site.kind === "key") {
      const here = schemasAt(root, path);
      const itemStart = site.before.length > 0;
      options = keyOptions(here, itemStart ? new Set() : siblingKeys(lines, lineIndex, site.column));
      // A list of ids (e.g. a program's kpis), or a list of enum values, completes its items instead.
      const lists = path[path.length - 1] === "[]" ? schemasAt(root, path.slice(0, -1)) : [];
      if (options.length === 0) options = valueOptions(here, ids(), lists);
    } else {
      options = valueOptions(schemasAt(root, [...path, site.key]), ids());
    }
    if (options.length === 0) return null;
    return { from: line.from + site.from, options, validFor: /^[A-Za-z0-9_-]*$/ };
  };
}
