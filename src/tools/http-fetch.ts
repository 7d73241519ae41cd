/**
 * http_fetch, a built-in that is off unless the worker's tools config enables it: GET (and POST, if enabled)
 * to hosts on an allow-list, with caps on size and time. Redirects are followed only to allowed hosts. A POST
 * carries the call's idempotency key as the `Idempotency-Key` header.
 */
import { z } from 'zod';
import { ToolPolicySchema } from '../../workflows/tool-catalogue';
import { defineTool } from './tool';

export const HTTP_FETCH_TOOL = 'http_fetch';
const MAX_REDIRECTS = 5;

export const HttpFetchConfigSchema = z
  .object({
    /** Host names the tool may reach: "api.example.com", "*.example.com" (any subdomain), "127.0.0.1:8080". */
    allowHosts: z
      .array(
        z
          .string()
          .regex(
            /^(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/,
            'must be a host name, optionally with a port or a leading "*." for any subdomain',
          ),
      )
      .min(1),
    methods: z
      .array(z.enum(['GET', 'POST']))
      .min(1)
      .default(['GET']),
    maxBytes: z.number().int().min(1).max(50_000_000).default(1_000_000),
    timeoutSeconds: z.number().positive().max(600).default(20),
    /** The hosts deduplicate POSTs by Idempotency-Key: a POST cut off midway is sent again. */
    honoursIdempotencyKey: z.boolean().default(false),
    policy: ToolPolicySchema.optional(),
  })
  .strict();
export type HttpFetchConfig = z.output<typeof HttpFetchConfigSchema>;

const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/;

export function httpFetchTool(config: HttpFetchConfig) {
  const methods = config.methods as ['GET' | 'POST', ...('GET' | 'POST')[]];
  return defineTool({
    name: HTTP_FETCH_TOOL,
    description: `Fetch a URL over HTTP(S) (${methods.join(' or ')}) from these hosts only: ${config.allowHosts.join(', ')}. At most ${config.maxBytes} bytes of the body are returned.`,
    // GET changes nothing; a POST may.
    kind: methods.includes('POST') ? 'side-effect' : 'read-only',
    timeoutSeconds: config.timeoutSeconds,
    honoursIdempotencyKey: config.honoursIdempotencyKey,
    policy: config.policy ?? 'allow',
    input: z
      .object({
        url: z.url().max(4_000),
        method: z.enum(methods).default(methods[0]),
        headers: z.record(z.string().max(100), z.string().max(2_000)).optional(),
        body: z.string().max(1_000_000).optional(),
      })
      .strict(),
    async run(input, { signal, idempotencyKey, workspace }) {
      let url = checkedUrl(input.url, config.allowHosts);
      let method: string = input.method;
      let body = input.body;
      const headers = Object.fromEntries(
        Object.entries(input.headers ?? {}).filter(
          ([k]) => !/^(host|content-length|transfer-encoding)$/i.test(k),
        ),
      );
      if (method === 'POST') headers['Idempotency-Key'] = idempotencyKey;
      for (let redirects = 0; ; redirects++) {
        const response = await fetch(url, { method, headers, body, redirect: 'manual', signal });
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel();
          if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
          url = checkedUrl(new URL(location, url).href, config.allowHosts);
          if (response.status === 303 || (response.status !== 307 && response.status !== 308)) {
            method = 'GET';
            body = undefined;
          }
          continue;
        }
        const { bytes, cut } = await readCapped(response, config.maxBytes);
        const type = response.headers.get('content-type') ?? 'application/octet-stream';
        const head = `HTTP ${response.status} ${response.statusText} from ${url.href}\ncontent-type: ${type}`;
        const note = cut ? `\n[body cut at ${config.maxBytes} bytes]` : '';
        if (TEXTUAL.test(type)) return `${head}\n\n${bytes.toString('utf8')}${note}`;
        const stem =
          idempotencyKey
            .split('/')
            .slice(1)
            .join('_')
            .replace(/[^A-Za-z0-9._-]/g, '_') || 'fetch';
        const file = `outputs/${stem}.bin`;
        await workspace.writeFile(file, bytes);
        return `${head}\n\n[${bytes.length} bytes of ${type} saved in the workspace as ${file}]${note}`;
      }
    },
  });
}

/** The URL, if its scheme is http(s) and its host is on the allow-list; otherwise an error saying why. */
export function checkedUrl(raw: string, allowHosts: readonly string[]): URL {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`only http and https URLs can be fetched, not ${url.protocol}`);
  }
  const host = url.hostname.toLowerCase();
  const allowed = allowHosts.some((pattern) => {
    const [name = '', port] = pattern.toLowerCase().split(':');
    if (port !== undefined && port !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) return false;
    return name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name;
  });
  if (!allowed) {
    throw new Error(`${url.host} is not on the allow-list (${allowHosts.join(', ')}); it cannot be fetched`);
  }
  return url;
}

async function readCapped(response: Response, maxBytes: number): Promise<{ bytes: Buffer; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!response.body) return { bytes: Buffer.alloc(0), cut: false };
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return { bytes: Buffer.concat(chunks), cut: false };
    chunks.push(Buffer.from(chunk.value));
    size += chunk.value.length;
    if (size > maxBytes) {
      await reader.cancel();
      return { bytes: Buffer.concat(chunks).subarray(0, maxBytes), cut: true };
    }
  }
}
