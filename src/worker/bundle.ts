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

const ROOT = path.resolve(__dirname, '..', '..');
export const WORKFLOWS_DIR = path.join(ROOT, 'workflows');
export const DEFAULT_BUNDLE_CACHE = path.resolve(__dirname, '..', '..', '.cache', 'workflow-bundle');

/**
 * A hash of the workflow sources (every file under workflows/), the Temporal SDK version, and the workflow
 * interceptor modules bundled with them (tracing's), each with its package's version.
 */
export function workflowSourceHash(dir = WORKFLOWS_DIR, interceptorModules: string[] = []): string {
  const hash = createHash('sha256');
  hash.update(`sdk ${packageVersionOf(require.resolve('@temporalio/workflow'))}\n`);
  for (const file of listFiles(dir)) {
    hash.update(`${path.relative(dir, file)}\n`);
    hash.update(readFileSync(file));
  }
  for (const module of interceptorModules) {
    hash.update(`interceptor ${path.relative(ROOT, module)} ${packageVersionOf(module)}\n`);
  }
  return hash.digest('hex').slice(0, 20);
}

/** The version in the package.json of the package `file` belongs to. */
function packageVersionOf(file: string): string {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (name && version) return `${name}@${version}`;
    }
  }
  return 'unknown';
}

export interface CachedBundle {
  codePath: string;
  /** Whether this call built it (false: it was in the cache). */
  built: boolean;
}

/**
 * The path of the bundle for the current sources, building it first when the cache lacks it. Safe when
 * several processes start at once: each writes a temporary file and renames it into place.
 * `interceptorModules`: workflow interceptor modules to bundle in (a pre-built bundle is the only way a worker
 * gets them); a traced worker's bundle is a different file from a plain one.
 */
export async function cachedWorkflowBundle(
  cacheDir = process.env.WORKFLOW_BUNDLE_CACHE ?? DEFAULT_BUNDLE_CACHE,
  interceptorModules: string[] = [],
): Promise<CachedBundle> {
  const codePath = path.join(
    cacheDir,
    `workflows-${workflowSourceHash(WORKFLOWS_DIR, interceptorModules)}.js`,
  );
  if (existsSync(codePath)) return { codePath, built: false };
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(WORKFLOWS_DIR),
    ...(interceptorModules.length > 0 ? { workflowInterceptorModules: interceptorModules } : {}),
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
