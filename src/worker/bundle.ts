/**
 * The workflow bundle, built once and reused. Bundling the workflow code takes seconds; a worker that did
 * it on every start would come back slowly after a crash. The bundle is cached in a file named after a
 * hash of everything that goes into it (the workflow sources and the SDK version), so a changed source
 * gets a new bundle and an unchanged one is never rebuilt.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export const WORKFLOWS_DIR = path.resolve(__dirname, '..', '..', 'workflows');
export const DEFAULT_BUNDLE_CACHE = path.resolve(__dirname, '..', '..', '.cache', 'workflow-bundle');

/** A hash of the workflow sources (every file under workflows/) and the Temporal SDK version. */
export function workflowSourceHash(dir = WORKFLOWS_DIR): string {
  const hash = createHash('sha256');
  const sdkPackage = path.join(path.dirname(require.resolve('@temporalio/workflow')), '..', 'package.json');
  const sdk = JSON.parse(readFileSync(sdkPackage, 'utf8')) as { version: string };
  hash.update(`sdk ${sdk.version}\n`);
  for (const file of listFiles(dir)) {
    hash.update(`${path.relative(dir, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 20);
}

export interface CachedBundle {
  codePath: string;
  /** Whether this call built it (false: it was in the cache). */
  built: boolean;
}

/**
 * The path of the bundle for the current sources, building it first when the cache lacks it. Safe when
 * several processes start at once: each writes a temporary file and renames it into place.
 */
export async function cachedWorkflowBundle(
  cacheDir = process.env.WORKFLOW_BUNDLE_CACHE ?? DEFAULT_BUNDLE_CACHE,
): Promise<CachedBundle> {
  const codePath = path.join(cacheDir, `workflows-${workflowSourceHash()}.js`);
  if (existsSync(codePath)) return { codePath, built: false };
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(WORKFLOWS_DIR),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  mkdirSync(cacheDir, { recursive: true });
  const temp = `${codePath}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, codePath);
  return { codePath, built: true };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? listFiles(full) : [full];
    });
}
