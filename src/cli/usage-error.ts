/** Bad command-line usage: the CLI says what is wrong and exits 2, having sent nothing. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
