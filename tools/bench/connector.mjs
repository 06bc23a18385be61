// The connector measured as a user drives it: a connection to the object, a preview, then a dataset
// whose import is followed through the REST API until it has succeeded; the importer's peak RSS.
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuByProcess } from './stage-limits.mjs';
import { memoryOf, startStack, waitForImport } from './stack.mjs';

async function connect(stack, target) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await stack.call('connections', 'POST', '/api/v1/connections', {
        title: `bench ${target.key}`,
        type: 's3',
        auth: {
          method: 'sigv4',
          url: `${target.endpoint}/${target.bucket}/${target.key}`,
          region: target.region,
          access_key: target.accessKeyId,
          secret_access_key: target.secretAccessKey,
        },
      });
    } catch (error) {
      // A broker that has just started may not have joined its consumer group yet.
      if (attempt > 50 || !/CREDENTIAL_BROKER_UNAVAILABLE/.test(String(error.message))) throw error;
      await sleep(200);
    }
  }
}

async function preview(stack, connectionId) {
  for (let attempt = 0; ; attempt += 1) {
    const started = performance.now();
    try {
      const result = await stack.call('dataset-import', 'POST', '/api/v1/sources/preview', {
        connection_id: connectionId,
      });
      return { ...result, ms: performance.now() - started };
    } catch (error) {
      // The importer learns keys and connections from events: give it a moment.
      if (attempt > 100 || !/CONNECTION_NOT_FOUND|UNAUTHORIZED/.test(String(error.message))) throw error;
      await sleep(100);
    }
  }
}

/**
 * From the first import's request to the last one's end, as the importer recorded them (REST
 * `requested_at`, `finished_at`): the import's own time, without the client's polling interval.
 */
function importSeconds(imports) {
  const requested = Math.min(...imports.map((state) => Date.parse(state.requested_at)));
  const finished = Math.max(...imports.map((state) => Date.parse(state.finished_at)));
  return (finished - requested) / 1000;
}

async function importDataset(stack, connectionId, config, title) {
  const created = await stack.call('dataset-import', 'POST', '/api/v1/datasets', {
    title,
    source: { connection_id: connectionId, config },
  });
  const finished = await waitForImport(stack, created.dataset_id, created.import.import_id);
  if (finished.status !== 'succeeded')
    throw new Error(`import of ${title} ${finished.status}: ${JSON.stringify(finished.error)}`);
  return finished;
}

/**
 * One preview and one full import of `target` on a fresh stack (so the peak RSS is this file's alone).
 * A preview is measured twice and the second kept: the first also pays the importer's cold start
 * (first signing round-trip, connection pools, JIT).
 */
export async function connectorRun(
  target,
  { importerNodeArgs = [], extraEnv = {}, previewOnly = false, serverPids = {} } = {},
) {
  const stack = await startStack(extraEnv, importerNodeArgs);
  try {
    const importerPid = stack.apps['dataset-import'].child.pid;
    const idleRss = memoryOf(importerPid).rss;
    const connection = await connect(stack, target);
    await preview(stack, connection.id);
    const previewed = await preview(stack, connection.id);
    if (previewOnly) {
      return {
        previewMs: previewed.ms,
        previewBytes: previewed.bytes_read,
        seconds: previewed.ms / 1000,
        idleRss,
      };
    }
    // What the import costs each process: the importer, the store, the S3 server (polling included).
    const cpu = cpuByProcess({ importer: importerPid, store: serverPids.store, s3: serverPids.aws });
    const finished = await importDataset(stack, connection.id, previewed.config, `bench ${target.key}`);
    const importCpu = cpu();
    const seconds = importSeconds([finished]);
    return {
      previewMs: previewed.ms,
      previewBytes: previewed.bytes_read,
      previewRecords: previewed.records?.length ?? 0,
      seconds,
      rows: finished.rows ?? finished.rows_read,
      peakRss: memoryOf(importerPid).peak,
      idleRss,
      importerCpu: importCpu.importer,
      storeCpu: importCpu.store,
      s3Cpu: importCpu.s3,
    };
  } finally {
    await stack.stop();
  }
}

/** `targets.length` imports started together on one importer (IMPORT_CONCURRENCY = their number). */
export async function concurrentImports(targets, { importerNodeArgs = [] } = {}) {
  const stack = await startStack({ IMPORT_CONCURRENCY: String(targets.length) }, importerNodeArgs);
  try {
    const importerPid = stack.apps['dataset-import'].child.pid;
    const prepared = [];
    for (const target of targets) {
      const connection = await connect(stack, target);
      prepared.push({ connection, previewed: await preview(stack, connection.id), target });
    }
    const finished = await Promise.all(
      prepared.map(({ connection, previewed, target }) =>
        importDataset(stack, connection.id, previewed.config, `bench ${target.key}`),
      ),
    );
    const seconds = importSeconds(finished);
    return {
      seconds,
      rows: finished.reduce((sum, state) => sum + (state.rows ?? state.rows_read ?? 0), 0),
      peakRss: memoryOf(importerPid).peak,
    };
  } finally {
    await stack.stop();
  }
}
