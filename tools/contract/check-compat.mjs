// Compares the contract with the last released one and fails on a breaking change unless the
// major part of info.version moved. Breaking: an operation removed; a success status removed; a
// field removed (or renamed: removed plus added) or its type changed in any answer's schema; a
// value removed from an enum (Error.code's included); a request field newly required.
//   node tools/contract/check-compat.mjs docs/openapi.released.yaml docs/openapi.yaml
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const [releasedPath, currentPath] = process.argv.slice(2);
const released = yaml.load(readFileSync(releasedPath, 'utf8'));
const current = yaml.load(readFileSync(currentPath, 'utf8'));
const major = (spec) => Number(String(spec.info.version).split('.')[0]);

function resolve(spec, node) {
  while (node && node.$ref) node = node.$ref.replace(/^#\//, '').split('/').reduce((o, p) => o?.[p], spec);
  return node;
}
const types = (node) => [].concat(node?.type ?? []).join('|');

const breaks = [];
const compared = new Set();  // named schemas are compared once, and reported by their name
function compare(oldNode, newNode, where, request) {
  if (oldNode?.$ref) {
    const name = oldNode.$ref.split('/').pop() + (request ? ' (request)' : '');
    if (compared.has(name)) return;
    compared.add(name);
    where = name;
  }
  const o = resolve(released, oldNode), n = resolve(current, newNode);
  if (!o) return;
  if (!n) { breaks.push(`${where}: removed`); return; }
  if (types(o) && types(n) && types(o) !== types(n)) breaks.push(`${where}: type ${types(o)} became ${types(n)}`);
  for (const v of o.enum ?? []) if (n.enum && !n.enum.includes(v)) breaks.push(`${where}: the value ${v} was removed`);
  for (const [name, prop] of Object.entries(o.properties ?? {})) {
    if (!n.properties?.[name]) {
      if (!request) breaks.push(`${where}.${name}: removed (or renamed)`);
      continue;
    }
    compare(prop, n.properties[name], `${where}.${name}`, request);
  }
  if (request) for (const r of n.required ?? []) if (!(o.required ?? []).includes(r)) breaks.push(`${where}.${r}: newly required`);
  if (o.items) compare(o.items, n.items, `${where}[]`, request);
  for (const [i, part] of (o.allOf ?? []).entries()) compare(part, n.allOf?.[i], `${where}.allOf[${i}]`, request);
}

for (const [path, item] of Object.entries(released.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!op?.responses) continue;
    const now = current.paths[path]?.[method];
    const at = `${method.toUpperCase()} ${path}`;
    if (!now) { breaks.push(`${at}: removed`); continue; }
    const body = op.requestBody?.content?.['application/json']?.schema;
    if (body) compare(body, now.requestBody?.content?.['application/json']?.schema, `${at} request`, true);
    for (const [status, response] of Object.entries(op.responses)) {
      const r = resolve(released, response), rn = resolve(current, now.responses[status]);
      if (!rn) { if (status.startsWith('2')) breaks.push(`${at} ${status}: removed`); continue; }
      for (const [type, content] of Object.entries(r.content ?? {}))
        compare(content.schema, rn.content?.[type]?.schema, `${at} ${status} ${type}`, false);
    }
  }
}

const from = released.info.version, to = current.info.version;
if (breaks.length === 0) {
  console.log(`check-compat: ${to} keeps every promise of ${from}`);
} else if (major(current) > major(released)) {
  console.log(`check-compat: ${breaks.length} breaking changes since ${from}, allowed by the new major version ${to}`);
} else {
  for (const b of [...new Set(breaks)]) console.log(`  ${b}`);
  console.log(`check-compat: ${breaks.length} breaking changes since ${from} while the version is ${to}: ` +
    'keep the old field or code, or move the major version (and release the spec: docs/openapi.released.yaml)');
  process.exit(1);
}
