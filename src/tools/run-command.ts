/**
 * run_command, a built-in that is off unless the worker's tools config enables it: one shell command in the
 * run's workspace folder, with caps on time and output, and `ask` as its default policy. The command starts
 * in the workspace but a shell is not confined to it: the person approving the call is the guard. It gets a
 * minimal environment (PATH, HOME set to the workspace, the call's IDEMPOTENCY_KEY), never the worker's own
 * (which holds the model keys).
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { ToolPolicySchema } from '../../workflows/tool-catalogue';
import { defineTool } from './tool';

export const RUN_COMMAND_TOOL = 'run_command';

export const RunCommandConfigSchema = z
  .object({
    timeoutSeconds: z.number().positive().max(3_600).default(60),
    /** Characters of stdout and of stderr kept, each. */
    maxOutputChars: z.number().int().min(100).max(1_000_000).default(20_000),
    shell: z.string().min(1).default('/bin/sh'),
    policy: ToolPolicySchema.default('ask'),
  })
  .strict();
export type RunCommandConfig = z.output<typeof RunCommandConfigSchema>;

export function runCommandTool(config: RunCommandConfig) {
  return defineTool({
    name: RUN_COMMAND_TOOL,
    description: `Run one shell command (${config.shell} -c) in the run's workspace folder; at most ${config.timeoutSeconds} s, ${config.maxOutputChars} characters of stdout and of stderr. Returns the exit code and the output.`,
    kind: 'side-effect',
    timeoutSeconds: config.timeoutSeconds,
    policy: config.policy,
    input: z.object({ command: z.string().trim().min(1).max(10_000) }).strict(),
    run({ command }, { workspace, signal, idempotencyKey }) {
      return new Promise<string>((resolve, reject) => {
        const child = spawn(config.shell, ['-c', command], {
          cwd: workspace.root,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: workspace.root,
            LANG: 'C.UTF-8',
            IDEMPOTENCY_KEY: idempotencyKey,
          },
          // Its own process group, so a timeout or cancellation ends everything it started.
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const out = { stdout: '', stderr: '', cut: { stdout: false, stderr: false } };
        const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
          if (out[stream].length >= config.maxOutputChars) {
            out.cut[stream] = true;
            return;
          }
          const text = chunk.toString();
          out[stream] += text.slice(0, config.maxOutputChars - out[stream].length);
          if (out[stream].length >= config.maxOutputChars && text.length > 0) out.cut[stream] = true;
        };
        child.stdout.on('data', keep('stdout'));
        child.stderr.on('data', keep('stderr'));
        const kill = () => {
          if (child.pid !== undefined && child.exitCode === null) {
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }
        };
        signal.addEventListener('abort', kill, { once: true });
        child.on('error', reject);
        child.on('close', (code, killedBy) => {
          signal.removeEventListener('abort', kill);
          const section = (name: 'stdout' | 'stderr') =>
            `--- ${name}${out.cut[name] ? ` (cut at ${config.maxOutputChars} characters)` : ''} ---\n${out[name]}`;
          resolve(
            [
              `exit code ${code ?? 'none'}${killedBy ? ` (killed by ${killedBy})` : ''}`,
              section('stdout'),
              section('stderr'),
            ].join('\n'),
          );
        });
      });
    },
  });
}
