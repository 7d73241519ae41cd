/**
 * Text that came from a model or a person (titles, results, answers, questions, event messages, reasons)
 * is printed only through `safeText`, so it cannot drive the terminal: escape sequences (colours, cursor
 * moves, window titles, hyperlinks), carriage returns that overwrite a line, bells, and bidirectional
 * overrides that reorder what is shown are made visible instead (`^[`, `^M`, `<U+202E>`). The CLI's own
 * sequences (watch's redraw) are written separately and are not passed through here.
 *
 * strip-ansi and friends remove well-formed ANSI sequences only; a lone ESC, C1 controls and bidi
 * overrides would still get through, hence this small function.
 */

// C0 controls but \t and \n, DEL, C1 controls; bidi embeddings, overrides and isolates; line/paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

export function safeText(text: string, options: { multiline?: boolean } = {}): string {
  const shown = text.replace(UNSAFE, visible);
  return options.multiline ? shown : shown.replace(/[\n\t]/g, ' ');
}

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}
