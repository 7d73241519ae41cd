// The workflow bundle's entry point: every workflow the worker registers.
export { planAndExecute } from './planAndExecute';
