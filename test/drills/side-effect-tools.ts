/**
 * The custom side-effecting tool the "side effects once" drills and tests run besides the built-in
 * write_file. Its effect is deliberately one that is NOT safe to redo (a line appended to a ledger), so a
 * second run of the work shows as a second line.
 *
 * A `side-effect` tool that honours the idempotency key (through `context.idempotent`), allowed without a
 * person's approval so the drills run unattended.
 */
import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { z } from 'zod';
import { builtInTools, defineTool, type ToolRegistry } from '../../src/tools';

export const PLACE_ORDER_TOOL = 'place_order';
/** The ledger the tool appends to, in the run's workspace. */
export const ORDERS_LEDGER = 'orders.log';

export const placeOrderTool = defineTool({
  name: PLACE_ORDER_TOOL,
  description: `Place an order: appends one line to ${ORDERS_LEDGER} in the workspace and returns its receipt.`,
  kind: 'side-effect',
  honoursIdempotencyKey: true,
  policy: 'allow',
  input: z.object({ item: z.string().min(1) }).strict(),
  async run({ item }, { workspace, idempotent }) {
    const ledger = await workspace.resolve(ORDERS_LEDGER);
    return idempotent(async () => {
      // A new receipt each time the work runs: the receipt the model sees tells which run it came from.
      const receipt = `receipt-${randomUUID()}`;
      await appendFile(ledger, `${receipt} ${item}\n`, 'utf8');
      return `Ordered ${item}: ${receipt}`;
    });
  },
});

/** The registry of the side-effect drills: the built-in file tools and the custom side-effecting tool. */
export function sideEffectTools(): ToolRegistry {
  return builtInTools().register(placeOrderTool);
}
