// Validates an AsyncAPI document (default: docs/api/asyncapi.yaml) and exits non-zero on any
// error or warning, printing every diagnostic as FILE:LINE:COLUMN: severity code: message.
//
// Why @asyncapi/parser: it is the AsyncAPI Initiative's own reference parser (the one the
// AsyncAPI CLI and Studio use). It validates against the official JSON Schemas of the spec
// (@asyncapi/specs, shipped in the package, so nothing is fetched at run time), resolves $refs,
// and runs its Spectral ruleset, which also checks each message example against its payload.
// Pinned in package-lock.json; works on Node 18 (Debian 12) and Node 20.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, fromFile } from '@asyncapi/parser';

const here = fileURLToPath(new URL('.', import.meta.url));
const file = resolve(process.argv[2] ?? resolve(here, '../../docs/api/asyncapi.yaml'));
readFileSync(file); // a missing file fails here, loudly, rather than as a parser diagnostic

const severities = ['error', 'warning', 'info', 'hint'];
// Warnings that are printed but do not fail, each on purpose:
// - asyncapi-info-contact: Switchboard is an internal, proprietary service with no public
//   contact address, and we invent none.
const tolerated = new Set(['asyncapi-info-contact']);
const { document, diagnostics } = await fromFile(new Parser(), file).parse();

let failed = document === undefined;
for (const d of diagnostics) {
  const severity = severities[d.severity] ?? String(d.severity);
  // Errors and warnings fail (but the tolerated ones); info and hints are only printed.
  if (d.severity === 0 || (d.severity === 1 && !tolerated.has(d.code))) failed = true;
  const { line, character } = d.range?.start ?? { line: -1, character: -1 };
  const where = `${d.source ?? file}:${line + 1}:${character + 1}`;
  const path = d.path?.length ? ` (at ${d.path.join('.')})` : '';
  console.error(`${where}: ${severity} ${d.code}: ${d.message}${path}`);
}
console.log(`${file}: ${failed ? 'INVALID' : 'valid'} AsyncAPI ${document?.version() ?? '?'}`
  + ` (${diagnostics.length} diagnostics)`);
process.exit(failed ? 1 : 0);
