/**
 * Registers the namespace and the project's search attributes (the list in workflows/search-attributes.ts,
 * so a new attribute there needs no change here). With SQL visibility, attributes belong to a namespace.
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { waitUntil } from './health';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/** The CLI's spelling of a type (what SEARCH_ATTRIBUTES uses) to the API's enum. */
const TYPES: Record<(typeof SEARCH_ATTRIBUTES)[number]['type'], temporal.api.enums.v1.IndexedValueType> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

const RETENTION_SECONDS = 7 * 24 * 3600;

/** Retries while a freshly started cluster is still finding its members; both steps are idempotent. */
export async function registerNamespace(address: string, namespace: string): Promise<string[]> {
  const connection = await Connection.connect({ address, connectTimeout: '10s' });
  try {
    await waitUntil(
      `namespace ${namespace} to exist`,
      async () => {
        try {
          await connection.workflowService.describeNamespace({ namespace });
          return true;
        } catch {
          await connection.workflowService
            .registerNamespace({
              namespace,
              workflowExecutionRetentionPeriod: msToTs(RETENTION_SECONDS * 1000),
            })
            .catch((err: Error) => (/already exists/i.test(err.message) ? undefined : err.message));
          return 'registering';
        }
      },
      60_000,
      500,
    );
    const wanted = Object.fromEntries(SEARCH_ATTRIBUTES.map((a) => [a.name, TYPES[a.type]]));
    await waitUntil(
      'search attributes to be registered',
      async () => {
        // A namespace just registered reaches every part of the frontend within seconds (its cache refreshes
        // every 2 s); until then this may answer "not found".
        const listed = await connection.operatorService
          .listSearchAttributes({ namespace })
          .catch((err: Error) => err);
        if (listed instanceof Error) return listed.message;
        const { customAttributes } = listed;
        const missing = Object.keys(wanted).filter((name) => !(name in (customAttributes ?? {})));
        if (missing.length === 0) return true;
        const searchAttributes = Object.fromEntries(missing.map((name) => [name, wanted[name]!]));
        const added = await connection.operatorService
          .addSearchAttributes({ namespace, searchAttributes })
          .then(
            () => 'added',
            (err: Error) => err.message,
          );
        return `missing ${missing.join(', ')} (${added})`;
      },
      60_000,
      500,
    );
    return Object.keys(wanted);
  } finally {
    await connection.close();
  }
}
