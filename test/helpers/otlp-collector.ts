/**
 * A tiny OpenTelemetry collector for tests: an HTTP server on 127.0.0.1 that takes OTLP/HTTP JSON trace exports
 * (POST /v1/traces, what the worker sends with OTEL_EXPORTER_OTLP_PROTOCOL=http/json) and keeps the spans.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  startNs: bigint;
  attributes: Record<string, unknown>;
  status: number;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        startTimeUnixNano: string | number;
        attributes?: OtlpKeyValue[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

function valueOf(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function attributes(list: OtlpKeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(list.map((kv) => [kv.key, valueOf(kv.value)]));
}

export class OtlpCollector {
  readonly spans: CollectedSpan[] = [];
  /** Every export's body as it arrived (span events, such as recorded exceptions, included). */
  readonly bodies: string[] = [];
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') {
          const body = Buffer.concat(chunks).toString('utf8');
          this.bodies.push(body);
          this.take(JSON.parse(body) as OtlpExport);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else {
          res.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private take(body: OtlpExport): void {
    for (const rs of body.resourceSpans ?? []) {
      const name = attributes(rs.resource?.attributes)['service.name'];
      const service = typeof name === 'string' ? name : '';
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            service,
            startNs: BigInt(s.startTimeUnixNano),
            attributes: attributes(s.attributes),
            status: s.status?.code ?? 0,
          });
        }
      }
    }
  }
}

/** The spans as an indented tree (children by start time), for failure messages and the README. */
export function renderTree(
  spans: CollectedSpan[],
  describe: (s: CollectedSpan) => string = (s) => s.name,
): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, CollectedSpan[]>();
  const roots: CollectedSpan[] = [];
  for (const s of [...spans].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0))) {
    if (s.parentSpanId && ids.has(s.parentSpanId)) {
      children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
    } else roots.push(s);
  }
  const lines: string[] = [];
  const walk = (s: CollectedSpan, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${describe(s)}`);
    for (const c of children.get(s.spanId) ?? []) walk(c, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return lines.join('\n');
}
