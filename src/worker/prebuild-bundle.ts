/** `npm run build` ends here: the workflow bundle is built into the cache, so no worker start bundles. */
import { cachedWorkflowBundle } from './bundle';

cachedWorkflowBundle()
  .then(({ codePath, built }) =>
    console.log(`Workflow bundle ${built ? 'built' : 'already cached'}: ${codePath}`),
  )
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
