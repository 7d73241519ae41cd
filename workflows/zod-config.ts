/**
 * Imported first by the workflow bundle. Every run evaluates the bundle's modules afresh in the worker's
 * sandbox, so each run would otherwise compile zod's fast object parsers (`new Function`) anew, for one
 * parse each: slower than zod's plain parser for inputs this small.
 */
import { z } from 'zod';

z.config({ jitless: true });
