// Holds every answer the end-to-end tier received against the contract (docs/openapi.yaml):
// each answer's path, method and status must be in the contract, its content type among that
// response's, and a JSON body must validate against the response's schema (OpenAPI 3.0: nullable,
// formats, additionalProperties: false where the server controls the shape). A mismatch names the
// call, the field and what was wrong; the run fails on any.
//   node tools/contract/check-answers.mjs docs/openapi.yaml <dir of answers-*.jsonl>
// Opt-outs, by design: the test-only routes (/test/...), which a deployment does not have, and the
// console's static files (/console/...), which are not the API.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

const [specPath, logDir] = process.argv.slice(2);
const spec = yaml.load(readFileSync(specPath, 'utf8'));

// OpenAPI 3.0's schema dialect to JSON Schema: `nullable: true` admits null.
function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'example' || k === 'readOnly' || k === 'writeOnly') continue;
    if (k === '$ref') { out.$ref = v.replace('#/components/schemas/', 'spec#/components/schemas/'); continue; }
    out[k] = toJsonSchema(v);
  }
  if (node.nullable === true) {
    if (out.type) out.type = [].concat(out.type, 'null');
    if (out.enum) out.enum = [...out.enum, null];
    if (out.allOf || out.$ref) return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'spec', components: { schemas: toJsonSchema(spec.components.schemas) } });

function resolve(obj) {
  while (obj && obj.$ref) {
    const parts = obj.$ref.replace(/^#\//, '').split('/');
    obj = parts.reduce((o, p) => o[p], spec);
  }
  return obj;
}

// The contract's paths as patterns: /api/v1/bookings/{id} matches /api/v1/bookings/12.
const routes = Object.entries(spec.paths).map(([template, item]) => ({
  template,
  item,
  re: new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$'),
  literal: !template.includes('{'),
}));
function route(path) {
  // A literal path wins over a pattern (/invitations/accept over /invitations/{id}).
  return routes.find((r) => r.literal && r.re.test(path)) || routes.find((r) => r.re.test(path));
}

const validators = new Map();
function validatorFor(key, schema) {
  if (!validators.has(key)) validators.set(key, ajv.compile(toJsonSchema(schema)));
  return validators.get(key);
}

const failures = new Map();  // message -> count
const fail = (msg) => failures.set(msg, (failures.get(msg) || 0) + 1);
let checked = 0, skipped = 0;
const perRoute = new Map();

for (const file of readdirSync(logDir).filter((f) => f.endsWith('.jsonl'))) {
  for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const a = JSON.parse(line);
    if (a.path.startsWith('/test/') || a.path.startsWith('/console/')) { skipped++; continue; }
    checked++;
    const call = `${a.method} ${a.path.replace(/\/\d+(?=\/|$)/g, '/{id}')} ${a.status}`;
    const r = route(a.path);
    if (!r) { fail(`${call}: the path is not in the contract`); continue; }
    const op = r.item[a.method.toLowerCase()];
    if (!op) { fail(`${a.method} ${r.template}: the method is not in the contract`); continue; }
    const where = `${a.method} ${r.template} ${a.status}`;
    perRoute.set(`${a.method} ${r.template}`, (perRoute.get(`${a.method} ${r.template}`) || 0) + 1);
    const response = resolve(op.responses[String(a.status)] || op.responses.default);
    if (!response) { fail(`${where}: the status is not in the contract`); continue; }
    const type = (a.type || '').split(';')[0].trim();
    const content = response.content || {};
    if (!type) continue;  // no body (204, HEAD)
    if (!content[type]) { fail(`${where}: answered ${type || 'no content type'}, the contract says ${Object.keys(content).join(', ') || 'no body'}`); continue; }
    if (type !== 'application/json') continue;
    const schema = content[type].schema;
    if (!schema) { fail(`${where}: no schema for the JSON answer`); continue; }
    const validate = validatorFor(`${where} ${type}`, schema);
    if (!validate(a.body)) {
      for (const e of validate.errors) {
        const field = e.instancePath || '(the body)';
        const detail = e.keyword === 'additionalProperties' ? `has ${e.params.additionalProperty}, which the contract does not list`
          : e.keyword === 'required' ? `lacks ${e.params.missingProperty}`
          : e.message;
        fail(`${where}: ${field} ${detail}`);
      }
    }
  }
}

console.log(`check-answers: ${checked} answers of ${perRoute.size} operations checked against ${specPath}` +
  ` (${skipped} of test-only routes and console files not checked)`);
if (failures.size) {
  for (const [msg, n] of [...failures].sort()) console.log(`  ${msg}${n > 1 ? ` (x${n})` : ''}`);
  console.log(`check-answers: ${failures.size} kinds of mismatch`);
  process.exit(1);
}
