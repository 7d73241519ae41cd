/**
 * The published wire contract (docs/contract/) is what the code says: every JSON Schema file, the index
 * and the README are built again from the workflow's zod schemas and compared with the committed files.
 * When this fails, run `npm run contract` and commit the result.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contractDocuments, CONTRACT_DIR } from '../src/client/contract/documents';
import * as m from '../workflows/messages';
import { ROOT } from './helpers/cli';

const dir = path.join(ROOT, CONTRACT_DIR);
const documents = contractDocuments();

it('docs/contract holds exactly the generated files', () => {
  expect(readdirSync(dir).sort()).toEqual([...documents.keys()].sort());
});

it.each([...documents.keys()])('%s matches the zod schemas (npm run contract regenerates it)', (file) => {
  expect(readFileSync(path.join(dir, file), 'utf8')).toBe(documents.get(file));
});

it('names every message the workflow defines, with the kind it has', () => {
  const index = JSON.parse(documents.get('contract.json') ?? '{}') as {
    workflowType: string;
    messages: { name: string; kinds: string[] }[];
  };
  expect(index.workflowType).toBe(m.WORKFLOW_TYPE);
  const defined = Object.values(m).flatMap((value) =>
    typeof value === 'object' && value !== null && 'type' in value && 'name' in value
      ? [`${String(value.name)}:${String(value.type)}`]
      : [],
  );
  const documented = index.messages.flatMap((msg) => msg.kinds.map((kind) => `${msg.name}:${kind}`));
  expect(documented.sort()).toEqual(defined.sort());
});

it('the edit payload schema refuses unknown keys and names the op kinds, as the workflow does', () => {
  const schema = JSON.parse(documents.get('edit-plan.schema.json') ?? '{}') as {
    additionalProperties: boolean;
    properties: { ops: { items: { oneOf: { properties: { op: { const: string } } }[] } } };
  };
  expect(schema.additionalProperties).toBe(false);
  expect(schema.properties.ops.items.oneOf.map((o) => o.properties.op.const)).toEqual([
    'add',
    'remove',
    'update',
    'setDependsOn',
    'reorder',
    'replaceRemaining',
  ]);
});
