import { fileTools } from './files';
import { ToolRegistry } from './registry';

export * from './registry';
export * from './workspace';
export * from './idempotency';

/** The registry a worker starts with: file tools confined to the run's workspace. */
export function builtInTools(): ToolRegistry {
  return new ToolRegistry().register(...fileTools);
}
