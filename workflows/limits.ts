/**
 * Caps on everything a person or a model can grow in a run's state, so that no sequence of accepted
 * requests can make a payload Temporal refuses (2 MB each, 50 MB of history) or a workflow task that fails
 * in a loop. Past a cap a person's request is refused with a message; large text lives in the workspace
 * with a short reference in state.
 */

/** Events kept in the state's log (the numbering goes on; older events are dropped). */
export const MAX_EVENTS = 500;
/** Characters of one event message. */
export const MAX_EVENT_CHARS = 500;
/** Characters of a step's result kept in state; a longer one is cut (the executor keeps it whole in the workspace). */
export const MAX_RESULT_CHARS = 4_000;
/** Advice notes a run keeps, and their characters in all: every model call is shown them. */
export const MAX_ADVICE_NOTES = 100;
export const MAX_ADVICE_TOTAL_CHARS = 20_000;
/** Plan revisions kept in state: the first (the planner's) and the latest; the rest are counted. */
export const MAX_REVISIONS_KEPT = 100;
/** On continue-as-new, finished steps older than this many keep a short result only. */
export const FULL_RESULTS_CARRIED = 100;
export const SHORT_RESULT_CHARS = 300;
/**
 * The hand-over to a continuation must stay well under Temporal's 2 MB payload limit. Above the first bound
 * the state is compacted harder; above the second the run ends, saying why, instead of failing in a loop.
 */
export const CONTINUATION_COMPACT_ABOVE_BYTES = 1_200_000;
export const CONTINUATION_MAX_BYTES = 1_800_000;
