#!/usr/bin/env node
// Offline validation of deploy/kubernetes/ (issue 26 item 3), no cluster:
//
//   node validate_k8s.cjs DIR [--rendered FILE] [--dump-scripts FILE.json]
//
// DIR holds a kustomization.yaml. Its set is the files it lists as resources plus the ConfigMaps
// its configMapGenerator literals make; with --rendered, the set is FILE instead (the output of
// `kubectl kustomize DIR`). Every other *.yaml of DIR is checked on its own against the same set.
//
// 1. The schema: every object against the official OpenAPI schema of its apiVersion and kind
//    (kubernetes-models, pinned in package-lock.json), and field by field against the model's
//    declared properties, so that a field the API does not know (a typo) is refused as
//    `kubectl apply` refuses it (strict field validation).
// 2. What a schema cannot say: one Indexed segment Job with completions == parallelism ==
//    the ConfigMap's SEGMENTS (and kustomization.yaml copying SEGMENTS into both), no retry of a
//    segment; one merge Job; START_AT and SEGMENTS taken by both Jobs from the same ConfigMap key;
//    every ConfigMap, Secret, key and PersistentVolumeClaim a pod references present in the set;
//    every volumeMount naming a volume; every container having an image; every $UPPER_CASE
//    variable the wrapper scripts read defined in the container's environment; no `$(NAME)` or
//    `$$` that Kubernetes would expand before the shell sees it; REPORTS the mount path of the
//    reports volume.
//
// --dump-scripts writes each Job container's script and its environment (ConfigMap values
// resolved, Secret keys as their placeholder values) for k8s_manifests_test.py to run.
// Prints every problem as "FAIL: file: Kind/name: where: what"; exit 0 when none, 1 otherwise,
// 2 on a usage error.
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const problems = [];
const fail = (where, what) => problems.push(`${where}: ${what}`);

// ---- The models' declared fields, read from their .d.ts (kubernetes-models and its
// @kubernetes-models/apimachinery): interface -> { property: type }.
const interfaces = new Map();
function loadInterface(file) {
  if (interfaces.has(file)) return interfaces.get(file);
  const text = fs.readFileSync(file, "utf8").replace(/\/\*\*[\s\S]*?\*\//g, "");
  const imports = {};
  for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
    imports[m[1]] = m[2].startsWith(".") ? path.resolve(path.dirname(file), m[2]) : require.resolve(m[2]).replace(/\.js$/, "");
  }
  const body = /^export interface \w+(?: extends [\w, ]+)? \{\n([\s\S]*?)^\}/m.exec(text);
  const props = {};
  if (body) {
    // A property at four spaces; a map type spans lines: `{ [key: string]: T; }`.
    for (const m of body[1].matchAll(/^ {4}"([^"]+)"\??: ([^\n]*?);?\n(?:( {8}\[key: string\]: [^\n]*\n) {4}\};\n)?/gm)) {
      const map = m[3] ? /\]: (.*?);/.exec(m[3])[1] : null;
      props[m[1]] = { type: map ?? m[2], map: map !== null, imports };
    }
  }
  const entry = { props, name: path.basename(file) };
  interfaces.set(file, entry);
  return entry;
}
function resolveType(type, imports) {
  const array = /^Array<(\w+)>$/.exec(type);
  const name = array ? array[1] : type;
  return imports[name] ? { file: imports[name] + ".d.ts", array: !!array } : null;
}
function strictFields(value, file, where) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const iface = loadInterface(file);
  for (const [key, sub] of Object.entries(value)) {
    const prop = iface.props[key];
    if (!prop) {
      fail(`${where}/${key}`, `unknown field "${key}" (not in the API's ${iface.name.replace(/\.d\.ts$/, "")})`);
      continue;
    }
    const t = resolveType(prop.type, prop.imports);
    if (!t) continue;
    const at = `${where}/${key}`;
    if (prop.map && sub && typeof sub === "object") for (const [k, v] of Object.entries(sub)) strictFields(v, t.file, `${at}/${k}`);
    else if (t.array && Array.isArray(sub)) sub.forEach((v, i) => strictFields(v, t.file, `${at}/${i}`));
    else if (!t.array && !prop.map) strictFields(sub, t.file, at);
  }
}

// ---- Schema validation with kubernetes-models.
function modelOf(apiVersion, kind) {
  const group = apiVersion === "v1" ? "v1" : apiVersion;
  let mod;
  try {
    mod = require(`kubernetes-models/${group}`);
  } catch {
    return null;
  }
  return mod[kind] ? { Model: mod[kind], dts: require.resolve(`kubernetes-models/${group}/${kind}`).replace(/\.js$/, ".d.ts") } : null;
}
function validateSchema(obj, where) {
  const model = modelOf(obj.apiVersion, obj.kind);
  if (!model) return fail(where, `no Kubernetes API kind ${obj.kind} in ${obj.apiVersion}`);
  try {
    new model.Model(obj).validate();
  } catch (e) {
    const errors = e.errors || e.details || [];
    if (!errors.length) fail(where, e.message);
    for (const err of errors) {
      const extra = err.params && err.params.allowedValues ? ` (${err.params.allowedValues.join(", ")})` : "";
      const missing = err.params && err.params.missingProperty ? `/${err.params.missingProperty}` : "";
      fail(`${where}${err.instancePath || ""}${missing}`, `${err.message}${extra}`);
    }
  }
  strictFields(obj, model.dts, where);
}

// ---- Reading the set.
function parseFile(file, label) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
  const out = [];
  docs.forEach((doc, i) => {
    for (const err of doc.errors) fail(`${label}`, `YAML: ${err.message.split("\n")[0]}`);
    const obj = doc.toJS();
    if (obj === null || obj === undefined) return;
    if (typeof obj !== "object" || !obj.kind || !obj.apiVersion) return fail(`${label}#${i}`, "not a Kubernetes object (kind, apiVersion)");
    out.push({ obj, file: label });
  });
  return out;
}
const tag = (o) => `${o.file}: ${o.obj.kind}/${(o.obj.metadata || {}).name || "?"}`;

function fromKustomization(dir) {
  const label = "kustomization.yaml";
  const k = YAML.parse(fs.readFileSync(path.join(dir, label), "utf8"));
  const known = ["apiVersion", "kind", "resources", "configMapGenerator", "generatorOptions", "images", "replacements", "patches", "namespace", "labels", "commonLabels"];
  for (const key of Object.keys(k || {})) if (!known.includes(key)) fail(label, `a field this check does not know: ${key}`);
  const set = [];
  for (const r of k.resources || []) {
    if (!fs.existsSync(path.join(dir, r))) fail(label, `resources: no such file ${r}`);
    else set.push(...parseFile(path.join(dir, r), r));
  }
  for (const g of k.configMapGenerator || []) {
    if (g.envs || g.files) fail(label, `configMapGenerator ${g.name}: only literals are read by this check`);
    const data = {};
    for (const lit of g.literals || []) {
      const eq = String(lit).indexOf("=");
      if (eq < 1) fail(label, `configMapGenerator ${g.name}: "${lit}" is not KEY=VALUE`);
      else data[lit.slice(0, eq)] = lit.slice(eq + 1);
    }
    set.push({ obj: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: g.name }, data }, file: label });
  }
  if (!(k.generatorOptions || {}).disableNameSuffixHash) fail(label, "generatorOptions.disableNameSuffixHash: true is needed (the Jobs name the ConfigMap)");
  return { kust: k, set };
}

// ---- Pods: what they reference and read.
function podSpecOf(obj) {
  if (obj.kind === "Pod") return obj.spec;
  if (obj.kind === "Job") return ((obj.spec || {}).template || {}).spec;
  return null;
}
function scriptOf(c) {
  const words = [...(c.command || []), ...(c.args || [])];
  return words.length >= 3 && /\/sh$/.test(words[0]) && words[1] === "-c" ? words[2] : null;
}
// The container's environment: name -> { value } or { configMap, key } or { secret, key }.
function envOf(c, byKind, where, indexed) {
  const env = {};
  for (const from of c.envFrom || []) {
    const ref = from.configMapRef;
    if (!ref) continue;
    const cm = byKind.ConfigMap[ref.name];
    if (!cm) {
      fail(where, `envFrom: no ConfigMap ${ref.name} in the set`);
      continue;
    }
    for (const key of Object.keys(cm.data || {})) env[key] = { configMap: ref.name, key, value: cm.data[key] };
  }
  for (const e of c.env || []) {
    const vf = e.valueFrom || {};
    if (vf.configMapKeyRef) {
      const cm = byKind.ConfigMap[vf.configMapKeyRef.name];
      if (!cm) fail(where, `env ${e.name}: no ConfigMap ${vf.configMapKeyRef.name} in the set`);
      else if (!(vf.configMapKeyRef.key in (cm.data || {}))) fail(where, `env ${e.name}: no key ${vf.configMapKeyRef.key} in ConfigMap ${vf.configMapKeyRef.name}`);
      env[e.name] = { configMap: vf.configMapKeyRef.name, key: vf.configMapKeyRef.key, value: cm && (cm.data || {})[vf.configMapKeyRef.key] };
    } else if (vf.secretKeyRef) {
      const s = byKind.Secret[vf.secretKeyRef.name];
      const data = s ? { ...(s.data || {}), ...(s.stringData || {}) } : {};
      if (!s) fail(where, `env ${e.name}: no Secret ${vf.secretKeyRef.name} in the set`);
      else if (!(vf.secretKeyRef.key in data)) fail(where, `env ${e.name}: no key ${vf.secretKeyRef.key} in Secret ${vf.secretKeyRef.name}`);
      env[e.name] = { secret: vf.secretKeyRef.name, key: vf.secretKeyRef.key, value: data[vf.secretKeyRef.key] };
    } else {
      env[e.name] = { value: e.value === undefined ? "" : String(e.value) };
    }
  }
  if (indexed) env.JOB_COMPLETION_INDEX = { value: "0", job: true };
  return env;
}
function checkPod(o, byKind) {
  const spec = podSpecOf(o.obj);
  if (!spec) return [];
  const where = tag(o);
  const volumes = {};
  for (const v of spec.volumes || []) {
    volumes[v.name] = v;
    if (v.persistentVolumeClaim && !byKind.PersistentVolumeClaim[v.persistentVolumeClaim.claimName]) {
      fail(where, `volume ${v.name}: no PersistentVolumeClaim ${v.persistentVolumeClaim.claimName} in the set`);
    }
    if (v.secret) {
      const s = byKind.Secret[v.secret.secretName];
      const data = s ? { ...(s.data || {}), ...(s.stringData || {}) } : {};
      if (!s) fail(where, `volume ${v.name}: no Secret ${v.secret.secretName} in the set`);
      else for (const item of v.secret.items || []) if (!(item.key in data)) fail(where, `volume ${v.name}: no key ${item.key} in Secret ${v.secret.secretName}`);
    }
  }
  const indexed = o.obj.kind === "Job" && (o.obj.spec || {}).completionMode === "Indexed";
  const out = [];
  for (const [i, c] of (spec.containers || []).entries()) {
    const at = `${where}: container ${c.name || i}`;
    if (!c.image || !String(c.image).trim()) fail(`${where}/spec/template/spec/containers/${i}/image`, "the container has no image");
    for (const m of c.volumeMounts || []) if (!volumes[m.name]) fail(at, `volumeMount ${m.name}: no such volume in the pod`);
    const env = envOf(c, byKind, at, indexed);
    const script = scriptOf(c);
    if (script !== null) {
      const locals = new Set([...script.matchAll(/(?:^|[\s;(])(?:for\s+)?([A-Za-z_]\w*)(?:=|\s+in\b)/g)].map((m) => m[1]));
      for (const m of script.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\b/g)) {
        if (!env[m[1]] && !locals.has(m[1])) fail(at, `the script reads $${m[1]}, which the container's environment does not define`);
      }
      for (const m of script.matchAll(/\$\(([A-Za-z_]\w*)\)/g)) {
        if (env[m[1]]) fail(at, `$(${m[1]}) in the script is expanded by Kubernetes, not the shell`);
      }
      if (script.includes("$$")) fail(at, "$$ in the script becomes $ before the shell sees it (Kubernetes expansion)");
      const reports = env.REPORTS;
      if (/\$REPORTS\b|\$\{REPORTS\}/.test(script)) {
        const mount = (c.volumeMounts || []).find((m) => volumes[m.name] && volumes[m.name].persistentVolumeClaim);
        if (!mount) fail(at, "the script writes to $REPORTS but no PersistentVolumeClaim is mounted");
        else if (reports && reports.value !== mount.mountPath) fail(at, `REPORTS is ${reports.value} but the reports volume is mounted at ${mount.mountPath}`);
      }
    }
    out.push({ container: c, env, script, at });
  }
  return out;
}

function checkSet(set, kust, dir) {
  const byKind = { ConfigMap: {}, Secret: {}, PersistentVolumeClaim: {}, Job: {}, Pod: {} };
  const seen = new Set();
  for (const o of set) {
    const name = (o.obj.metadata || {}).name;
    const id = `${o.obj.kind}/${name}`;
    if (seen.has(id)) fail(tag(o), "two objects of this kind and name in the set");
    seen.add(id);
    if (byKind[o.obj.kind]) byKind[o.obj.kind][name] = o.obj;
  }
  for (const o of set) validateSchema(o.obj, tag(o));

  const containers = [];
  const segments = [];
  const merges = [];
  for (const o of set) {
    const cs = checkPod(o, byKind);
    containers.push(...cs.map((c) => ({ ...c, o })));
    if (o.obj.kind !== "Job") continue;
    if (cs.some((c) => c.script && /--segment\b/.test(c.script))) segments.push({ o, cs });
    if (cs.some((c) => c.script && /bench merge\b/.test(c.script))) merges.push({ o, cs });
  }
  if (segments.length !== 1) fail("set", `${segments.length} segment Jobs (a script running kmsconf bench --segment), want 1`);
  if (merges.length !== 1) fail("set", `${merges.length} merge Jobs (a script running kmsconf bench merge), want 1`);

  // START_AT and SEGMENTS: one source for every Job.
  const sources = {};
  for (const { o, cs } of [...segments, ...merges]) {
    for (const c of cs) {
      for (const name of ["START_AT", "SEGMENTS"]) {
        const e = c.env[name];
        if (!e) fail(c.at, `no ${name} in the environment`);
        else if (!e.configMap) fail(c.at, `${name} is set in the Job; take it from the ConfigMap so that every pod and the merge agree`);
        else (sources[name] = sources[name] || new Set()).add(`${e.configMap}.${e.key}`);
        if (c.script && e && !new RegExp(`\\$\\{?${name}\\b`).test(c.script)) fail(c.at, `the script does not use $${name}`);
      }
    }
  }
  for (const [name, s] of Object.entries(sources)) if (s.size > 1) fail("set", `${name} comes from ${[...s].join(" and ")}: the Jobs must read one value`);

  for (const { o, cs } of segments) {
    const spec = o.obj.spec || {};
    const where = tag(o);
    if (spec.completionMode !== "Indexed") fail(`${where}/spec/completionMode`, `is ${JSON.stringify(spec.completionMode)}, want Indexed (JOB_COMPLETION_INDEX is each pod's segment)`);
    if (spec.completions !== spec.parallelism) fail(`${where}/spec`, `completions ${spec.completions} != parallelism ${spec.parallelism}: every segment must run at once`);
    const start = cs.map((c) => c.env.START_AT).find((e) => e);
    if (start && !/^[0-9]+(\.[0-9]+)?$/.test(String(start.value))) fail(where, `START_AT is ${JSON.stringify(start.value)}, want UTC seconds (digits, a fraction allowed)`);
    const seg = cs.map((c) => c.env.SEGMENTS).find((e) => e);
    const n = seg ? Number(seg.value) : NaN;
    if (!Number.isInteger(n) || n < 1) fail(where, `SEGMENTS is ${seg && JSON.stringify(seg.value)}, want a whole number >= 1`);
    else if (spec.completions !== n) fail(`${where}/spec/completions`, `is ${spec.completions} but SEGMENTS is ${n}`);
    if (spec.backoffLimitPerIndex !== 0 && spec.backoffLimit !== 0) fail(`${where}/spec`, "a failed segment would be retried after START_AT: set backoffLimitPerIndex: 0");
    for (const c of cs) {
      if (c.script && !/JOB_COMPLETION_INDEX/.test(c.script)) fail(c.at, "the script does not read JOB_COMPLETION_INDEX");
      if (c.script && !/--start-at "\$START_AT"/.test(c.script)) fail(c.at, 'the script does not pass --start-at "$START_AT"');
    }
    if (kust) {
      const targets = new Set();
      for (const r of kust.replacements || []) {
        const src = r.source || {};
        if (src.kind !== "ConfigMap" || src.fieldPath !== "data.SEGMENTS") continue;
        for (const t of r.targets || []) if ((t.select || {}).kind === "Job" && (t.select || {}).name === o.obj.metadata.name) for (const f of t.fieldPaths || []) targets.add(f);
      }
      for (const f of ["spec.completions", "spec.parallelism"]) if (!targets.has(f)) fail("kustomization.yaml", `replacements: ConfigMap data.SEGMENTS is not copied into ${o.obj.metadata.name} ${f}`);
    }
  }
  for (const { o, cs } of merges) {
    const spec = o.obj.spec || {};
    if (spec.completionMode === "Indexed" || (spec.completions || 1) !== 1) fail(tag(o), "the merge Job must run one pod");
    if (!cs.some((c) => c.script && /\bexit "?\$rc"?/.test(c.script))) fail(tag(o), "the merge script must exit with kmsconf bench merge's code (the gate)");
  }
  return containers;
}

function main() {
  const args = process.argv.slice(2);
  const dir = args[0];
  const opt = (name) => {
    const i = args.indexOf(name);
    return i > 0 ? args[i + 1] : null;
  };
  if (!dir || !fs.existsSync(path.join(dir, "kustomization.yaml"))) {
    console.error("usage: validate_k8s.cjs DIR [--rendered FILE] [--dump-scripts FILE.json] (DIR holds kustomization.yaml)");
    process.exit(2);
  }
  const rendered = opt("--rendered");
  const { kust, set: kset } = fromKustomization(dir);
  const set = rendered ? parseFile(rendered, path.basename(rendered)) : kset;
  const containers = checkSet(set, rendered ? null : kust, dir);
  // The other manifests of the folder (not applied by -k): each checked against the set.
  const listed = new Set(kust.resources || []);
  let extra = 0;
  for (const f of fs.readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(f) || f === "kustomization.yaml" || listed.has(f)) continue;
    for (const o of parseFile(path.join(dir, f), f)) {
      extra++;
      validateSchema(o.obj, tag(o));
      const byKind = { ConfigMap: {}, Secret: {}, PersistentVolumeClaim: {} };
      for (const s of set) if (byKind[s.obj.kind]) byKind[s.obj.kind][s.obj.metadata.name] = s.obj;
      checkPod(o, byKind);
    }
  }
  const dump = opt("--dump-scripts");
  if (dump) {
    const jobs = containers.filter((c) => c.script && c.o.obj.kind === "Job").map((c) => ({
      job: c.o.obj.metadata.name,
      role: /--segment\b/.test(c.script) ? "segment" : /bench merge\b/.test(c.script) ? "merge" : "other",
      completions: c.o.obj.spec.completions,
      script: c.script,
      env: Object.fromEntries(Object.entries(c.env).filter(([, e]) => !e.job).map(([k, e]) => [k, e.value === undefined ? "" : String(e.value)])),
      mounts: (c.container.volumeMounts || []).map((m) => m.mountPath),
    }));
    fs.writeFileSync(dump, JSON.stringify(jobs, null, 2));
  }
  const names = set.map((o) => `${o.obj.kind}/${o.obj.metadata.name}`).join(", ");
  for (const p of problems) console.log("FAIL: " + p);
  console.log(`k8s manifests (${rendered ? "rendered " + path.basename(rendered) : "kustomization.yaml's set"}): ${set.length} objects (${names})` +
    `, ${extra} more manifest(s) of the folder: ${problems.length ? problems.length + " problem(s)" : "ok"}`);
  process.exit(problems.length ? 1 : 0);
}

main();
