/**
 * A fake model server: real HTTP on 127.0.0.1 speaking the Anthropic Messages API and the OpenAI Chat
 * Completions API, answering from a scripted scenario, recording every request, injecting faults on cue.
 * The real SDKs talk to it through ANTHROPIC_BASE_URL / OPENAI_BASE_URL.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeZodError } from '../../workflows/schemas';
import { PromptCache } from './prompt-cache';
import { ScenarioSchema, type ParsedScenario, type Rule, type Scenario } from './scenario';
import {
  errorBody,
  normalizeRequest,
  replyUsage,
  successBody,
  type Api,
  type NormalizedRequest,
} from './wire';

export interface RecordedRequest extends NormalizedRequest {
  seq: number;
  path: string;
  body: Record<string, unknown>;
  /** Size of the request body in bytes, as it arrived (shows how prompts grow over a run). */
  bodyBytes: number;
  /** Rule that answered: its name, or its index in the scenario. */
  rule?: string;
  status?: number;
  /** The SDK's own retry counter header, if it sent one. */
  sdkRetryCount?: string;
  /** The Idempotency-Key header: the same for every attempt of one logical call. */
  idempotencyKey?: string;
  /** Whether an API key reached the server (the key itself is never recorded). */
  authenticated: boolean;
  startedAt: number;
  endedAt?: number;
  /** The usage the answer reported (inputTokens counts cached tokens too), for tests to add up. */
  usage?: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
}

interface RuleState {
  rule: Rule;
  label: string;
  used: number;
}

/**
 * Emits 'request' (a request was recorded and matched, before any delay) and 'response' (its answer was
 * written), each with the RecordedRequest, synchronously: a test can act at exactly that moment.
 */
export class FakeModelServer extends EventEmitter {
  private server?: http.Server;
  private rules: RuleState[] = [];
  private cacheSettings: ParsedScenario['cache'] = { anthropicMinTokens: 0, openaiMinTokens: 1024 };
  /** The providers' prompt caches, emulated (kept across scenarios, like a real cache; reset clears it). */
  readonly promptCache = new PromptCache();
  readonly requests: RecordedRequest[] = [];
  private seq = 0;
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(scenario?: Scenario) {
    super();
    if (scenario) this.setScenario(scenario);
  }

  /** Replace the scenario (validated) and forget how often rules were used. */
  setScenario(scenario: Scenario): void {
    const parsed = ScenarioSchema.safeParse(scenario);
    if (!parsed.success) throw new Error(`Invalid fake-model scenario: ${describeZodError(parsed.error)}`);
    this.load(parsed.data);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `fake model server error: ${String(err)}` } }));
        }
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('fake model server is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Rules that still expect requests (not counting repeat rules): a scenario left half-used shows here. */
  unusedRules(): string[] {
    return this.rules.filter((r) => !r.rule.repeat && r.used < r.rule.times).map((r) => r.label);
  }

  private load(scenario: ParsedScenario): void {
    this.cacheSettings = scenario.cache;
    this.rules = scenario.rules.map((rule, index) => ({ rule, label: rule.name ?? `#${index}`, used: 0 }));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/_fake/requests') {
      return sendJson(res, 200, this.requests);
    }
    if (req.method === 'POST' && url.pathname === '/_fake/reset') {
      this.clearRequests();
      this.promptCache.clear();
      for (const r of this.rules) r.used = 0;
      return sendJson(res, 200, { ok: true });
    }
    const api = apiFor(req.method, url.pathname);
    if (!api)
      return sendJson(res, 404, {
        error: { message: `fake model server: no route ${req.method} ${url.pathname}` },
      });

    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, errorBody(api, 400, 'fake model server: request body is not JSON'));
    }
    const normalized = normalizeRequest(api, body);
    const retryHeader = req.headers['x-stainless-retry-count'];
    const idempotencyKey = req.headers['idempotency-key'];
    const record: RecordedRequest = {
      ...normalized,
      seq: ++this.seq,
      path: url.pathname,
      body,
      bodyBytes: raw.length,
      authenticated: Boolean(req.headers['x-api-key'] ?? req.headers.authorization),
      ...(typeof retryHeader === 'string' ? { sdkRetryCount: retryHeader } : {}),
      ...(typeof idempotencyKey === 'string' ? { idempotencyKey } : {}),
      startedAt: Date.now(),
    };
    this.requests.push(record);

    if (normalized.stream) {
      return this.finish(
        record,
        res,
        400,
        errorBody(api, 400, 'fake model server does not stream; send stream: false'),
      );
    }
    const match = this.rules.find(
      (r) => (r.rule.repeat || r.used < r.rule.times) && matches(r.rule, normalized),
    );
    if (!match) {
      const message = `fake model server: no scenario rule matches this ${api} request (model "${normalized.model}", forced tool ${normalized.forcedTool ?? 'none'}, last message: ${normalized.lastMessageText.slice(0, 160)})`;
      return this.finish(record, res, 400, errorBody(api, 400, message));
    }
    match.used += 1;
    record.rule = match.label;
    this.emit('request', record);
    const { rule } = match;
    if (rule.delayMs > 0) {
      const aborted = await delayUnlessClosed(rule.delayMs, req);
      if (aborted) {
        record.endedAt = Date.now();
        return;
      }
    }
    if (rule.drop) {
      record.endedAt = Date.now();
      req.socket.destroy();
      return;
    }
    if (rule.malformedBody) {
      record.status = 200;
      record.endedAt = Date.now();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "broken", "content": [');
      return;
    }
    if (rule.error) {
      for (const [name, value] of Object.entries(rule.error.headers)) res.setHeader(name, value);
      const key = req.headers['x-api-key'] ?? req.headers.authorization;
      const message = rule.error.echoKey
        ? `${rule.error.message} (key used: ${String(key ?? 'none')})`
        : rule.error.message;
      return this.finish(record, res, rule.error.status, errorBody(api, rule.error.status, message));
    }
    if (rule.rawBody !== undefined) return this.finish(record, res, 200, rule.rawBody);

    if (rule.reply) {
      const usage = replyUsage(rule.reply, this.promptCache.usage(api, body, this.cacheSettings));
      record.usage = usage;
      return this.finish(record, res, 200, successBody(api, normalized, rule.reply, usage));
    }
  }

  private finish(record: RecordedRequest, res: http.ServerResponse, status: number, body: unknown): void {
    record.status = status;
    record.endedAt = Date.now();
    sendJson(res, status, body);
    this.emit('response', record);
  }
}

function apiFor(method: string | undefined, pathname: string): Api | undefined {
  if (method !== 'POST') return undefined;
  if (pathname === '/v1/messages') return 'anthropic';
  if (pathname === '/v1/chat/completions' || pathname === '/chat/completions') return 'openai';
  return undefined;
}

function matches(rule: Rule, request: NormalizedRequest): boolean {
  const m = rule.match;
  if (m.api && m.api !== request.api) return false;
  if (m.model && m.model !== request.model) return false;
  if (m.forcedTool && m.forcedTool !== request.forcedTool) return false;
  if (m.contains && !request.text.includes(m.contains)) return false;
  if (m.lastMessageContains && !request.lastMessageText.includes(m.lastMessageContains)) return false;
  return true;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Wait `ms`, or less if the client hangs up; resolves true when it hung up. */
function delayUnlessClosed(ms: number, req: http.IncomingMessage): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      req.socket.off('close', onClose);
      resolve(false);
    }, ms);
    req.socket.once('close', onClose);
  });
}
