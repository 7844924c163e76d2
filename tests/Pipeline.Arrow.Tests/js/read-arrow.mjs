// An independent reader for the pipeline's Arrow IPC files: apache-arrow (the JS implementation, not ours).
// Usage: node read-arrow.mjs FILE.arrow...
// Prints one JSON object: for each file its row and batch counts, schema (names, types, nullability, metadata) and
// every row, with values made plain: int64 as numbers, timestamps as ISO-8601 UTC strings ("...Z", milliseconds only
// when non-zero), lists as arrays, structs as objects. Pipeline.Arrow.Tests compares this with the NDJSON documents.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { tableFromIPC, DataType } from 'apache-arrow';

function iso(ms) {
  const s = new Date(Number(ms)).toISOString();
  return s.endsWith('.000Z') ? s.slice(0, -5) + 'Z' : s;
}

function plain(value, type) {
  if (value === null || value === undefined) return null;
  if (DataType.isTimestamp(type)) return iso(value);
  if (DataType.isInt(type)) {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new Error(`integer ${value} does not fit a JS number`);
    return n;
  }
  if (DataType.isList(type)) return Array.from(value, (v) => plain(v, type.children[0].type));
  if (DataType.isStruct(type)) {
    const o = {};
    for (const child of type.children) o[child.name] = plain(value[child.name], child.type);
    return o;
  }
  return value;
}

const out = {};
for (const file of process.argv.slice(2)) {
  const bytes = readFileSync(file);
  const table = tableFromIPC(bytes);
  const fields = table.schema.fields;
  const columns = fields.map((f) => table.getChild(f.name));
  const rows = [];
  for (let i = 0; i < table.numRows; i++) {
    const row = {};
    fields.forEach((f, c) => { row[f.name] = plain(columns[c].get(i), f.type); });
    rows.push(row);
  }
  out[basename(file)] = {
    magic: bytes.subarray(0, 6).toString('latin1'),
    rows: table.numRows,
    batches: table.batches.length,
    batchRows: table.batches.map((b) => b.numRows),
    metadata: Object.fromEntries(table.schema.metadata),
    fields: fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable })),
    data: rows,
  };
}
process.stdout.write(JSON.stringify(out));
