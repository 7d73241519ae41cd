/** Every control and every documented refusal, sent by `npm run agent` (see helpers/control-suite.ts). */
import { controlSuite } from './helpers/control-suite';

describe('controls by cli', () => controlSuite('cli'));
