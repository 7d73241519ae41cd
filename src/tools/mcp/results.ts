/**
 * An MCP tool result as the model gets it: text stays text; structured content is shown as JSON; embedded
 * text resources are shown inline; images, audio, binary resources and anything large are saved in the run's
 * workspace (through the confinement resolver) and named in a line the model can act on. The whole text is
 * then bounded like every tool result (activities/run-tool.ts).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Workspace } from '../workspace';

/** Inline at most this much of one resource or structured content; more is saved in the workspace. */
export const MAX_INLINE_PART_CHARS = 8_000;

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'audio/wav': 'wav',
  'audio/mpeg': 'mp3',
  'application/json': 'json',
  'application/gzip': 'gz',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/html': 'html',
};

export interface RenderedResult {
  text: string;
  isError: boolean;
  /** Workspace paths of the parts saved there. */
  saved: string[];
}

/**
 * Render `result`. `stem` names the files saved for it (outputs/<stem>-<n>.<ext>), derived from the call's
 * idempotency key so a retried call writes the same files.
 */
export async function renderMcpResult(
  result: CallToolResult,
  workspace: Workspace,
  stem: string,
): Promise<RenderedResult> {
  const lines: string[] = [];
  const saved: string[] = [];
  const save = async (data: string | Uint8Array, mimeType: string | undefined): Promise<string> => {
    const ext = (mimeType && EXTENSIONS[mimeType.split(';')[0]?.trim() ?? '']) ?? 'bin';
    const relative = `outputs/${stem}-${saved.length + 1}.${ext}`;
    await workspace.writeFile(relative, data);
    saved.push(relative);
    return relative;
  };
  for (const part of result.content ?? []) {
    switch (part.type) {
      case 'text':
        lines.push(part.text);
        break;
      case 'image':
      case 'audio': {
        const bytes = Buffer.from(part.data, 'base64');
        const file = await save(bytes, part.mimeType);
        lines.push(
          `[${part.type} (${part.mimeType}, ${bytes.length} bytes) saved in the workspace as ${file}]`,
        );
        break;
      }
      case 'resource': {
        const resource = part.resource;
        const mime = resource.mimeType ?? 'unknown type';
        if ('text' in resource && typeof resource.text === 'string') {
          if (resource.text.length <= MAX_INLINE_PART_CHARS) {
            lines.push(`[resource ${resource.uri} (${mime})]\n${resource.text}`);
          } else {
            const file = await save(resource.text, resource.mimeType ?? 'text/plain');
            lines.push(
              `[resource ${resource.uri} (${mime}, ${resource.text.length} characters) saved in the workspace as ${file}]`,
            );
          }
        } else if ('blob' in resource && typeof resource.blob === 'string') {
          const bytes = Buffer.from(resource.blob, 'base64');
          const file = await save(bytes, resource.mimeType);
          lines.push(
            `[resource ${resource.uri} (${mime}, ${bytes.length} bytes) saved in the workspace as ${file}]`,
          );
        }
        break;
      }
      case 'resource_link':
        lines.push(
          `[resource link: ${part.name} ${part.uri}${part.mimeType ? ` (${part.mimeType})` : ''}${part.description ? ` — ${part.description}` : ''}]`,
        );
        break;
      default:
        lines.push(`[content of type "${(part as { type: string }).type}" left out]`);
    }
  }
  // Servers send structured content together with a text rendering of it (as the specification asks): show
  // it only when the text does not already carry it, so the model does not pay for it twice.
  if (result.structuredContent !== undefined && !coveredByText(result.structuredContent, lines.join('\n'))) {
    const json = JSON.stringify(result.structuredContent, null, 2);
    if (json.length <= MAX_INLINE_PART_CHARS) {
      lines.push(`[structured content]\n${json}`);
    } else {
      const file = await save(json, 'application/json');
      lines.push(
        `[structured content (${json.length} characters of JSON) saved in the workspace as ${file}]`,
      );
    }
  }
  const text = lines.join('\n');
  return {
    text: text === '' ? '(the tool returned no content)' : text,
    isError: result.isError === true,
    saved,
  };
}

/** Whether `text` already says what `structured` holds: it is its JSON, or holds every value in it. */
function coveredByText(structured: unknown, text: string): boolean {
  if (text.trim() === '') return false;
  try {
    if (JSON.stringify(JSON.parse(text)) === JSON.stringify(structured)) return true;
  } catch {
    // Not JSON: compare the values.
  }
  const leaves: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') leaves.push(value);
    else if (typeof value === 'number' || typeof value === 'boolean') leaves.push(String(value));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(structured);
  return leaves.length > 0 && leaves.every((leaf) => text.includes(leaf));
}
