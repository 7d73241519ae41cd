/** Every control and every documented refusal, sent by Signal through the official `temporal workflow signal` (see helpers/control-suite.ts). */
import { controlSuite } from './helpers/control-suite';

describe('controls by signal', () => controlSuite('signal'));
