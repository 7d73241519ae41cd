import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { SecretRedactor } from './redact';

/**
 * Every error leaving any activity is scrubbed of secrets before the worker reports or logs it (the SDK
 * logs the failure, and the server stores it in history), whatever code threw it.
 */
export class RedactingInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly redactor: SecretRedactor) {}

  async execute(
    input: ActivityExecuteInput,
    next: Next<ActivityInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw this.redactor.redactError(err);
    }
  }
}
