/** Every control and every documented refusal, sent by Temporal Update from a client (see helpers/control-suite.ts). */
import { controlSuite } from './helpers/control-suite';

describe('controls by update', () => controlSuite('update'));
