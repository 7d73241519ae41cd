// The workflow bundle's entry point: every workflow the worker registers.
import './zod-config';

export { planAndExecute } from './planAndExecute';
