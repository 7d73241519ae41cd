/**
 * `npm run contract`: writes the wire contract (JSON Schema files, contract.json, README.md) to
 * docs/contract/ from the workflow's zod schemas. `--check` writes nothing and exits 1 if the committed
 * files differ from what the code says.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { contractDocuments, CONTRACT_DIR } from '../client/contract/documents';
import { runCommand } from './exit';
import { parseFlags } from './flags';

const USAGE = 'Usage: npm run contract [-- --check]';
const ROOT = path.resolve(__dirname, '..', '..');

function main(argv: string[]): Promise<number> {
  const { values } = parseFlags(USAGE, {
    args: argv,
    options: { check: { type: 'boolean', default: false } },
  });
  const dir = path.join(ROOT, CONTRACT_DIR);
  const documents = contractDocuments();
  const present = existsSync(dir) ? readdirSync(dir) : [];
  if (values.check) {
    const stale = [...documents].filter(
      ([file, text]) => !present.includes(file) || readFileSync(path.join(dir, file), 'utf8') !== text,
    );
    const extra = present.filter((file) => !documents.has(file));
    for (const [file] of stale) console.error(`${CONTRACT_DIR}/${file}: differs from the code`);
    for (const file of extra) console.error(`${CONTRACT_DIR}/${file}: not part of the contract any more`);
    if (stale.length + extra.length > 0) {
      console.error('Run `npm run contract` and commit the result.');
      return Promise.resolve(1);
    }
    console.log(`${CONTRACT_DIR}: ${documents.size} files match the code`);
    return Promise.resolve(0);
  }
  mkdirSync(dir, { recursive: true });
  for (const file of present) if (!documents.has(file)) rmSync(path.join(dir, file));
  for (const [file, text] of documents) writeFileSync(path.join(dir, file), text);
  console.log(`Wrote ${documents.size} files to ${CONTRACT_DIR}: ${[...documents.keys()].join(', ')}`);
  return Promise.resolve(0);
}

runCommand(() => main(process.argv.slice(2)));
