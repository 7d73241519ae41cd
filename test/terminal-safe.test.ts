/** What reaches the terminal from a model or a person cannot drive it. */
import { safeText } from '../src/cli/terminal-safe';

it.each([
  ['\x1b[31mred\x1b[0m', '^[[31mred^[[0m'],
  ['title\x1b]0;pwned\x07', 'title^[]0;pwned^G'],
  ['line\roverwrite', 'line^Moverwrite'],
  ['\u202Eevil', '<U+202E>evil'],
  ['\u009b2J', '<U+009B>2J'],
  ['two\nlines\tand a tab', 'two lines and a tab'],
  ['plain text, ünïcode ✓', 'plain text, ünïcode ✓'],
])('%j is shown as %j', (input, shown) => {
  expect(safeText(input)).toBe(shown);
});

it('keeps line breaks where text may span lines (answers), still neutralising the rest', () => {
  expect(safeText('one\n\x1b[2Jtwo', { multiline: true })).toBe('one\n^[[2Jtwo');
});
