/**
 * A seed's generator thread (generator-threads.ts starts it): it generates the dataset's rows of each
 * range it is asked for, encodes them as both COPY binary streams and in the dataset checksum's
 * encoding, and transfers the three buffers back (no copy). The rows are the generator's own
 * (createRecordFactory of the same config): the main thread only hashes and sends the bytes, then
 * gives the buffers back to be written into again.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EncodedChecksumRows } from '../../../dataset/checksum.ts';
import type { DatasetConfig } from '../../../dataset/distributions.ts';
import { createRecordFactory } from '../../../dataset/records.ts';
import { encodeRowBatchBinary } from './copy-binary.ts';
import type { GenerateReply, GenerateRequest, GiveBack } from './generator-threads.ts';

const port = parentPort;
if (!port) throw new Error('generator-worker: not a worker thread');
const { config } = workerData as { config: DatasetConfig };
const factory = createRecordFactory(config);
const checksumRows = new EncodedChecksumRows();
/** Buffers the main thread gave back (GiveBack), written into again: no new memory per batch. */
const free: Record<keyof GiveBack['memory'], ArrayBuffer[]> = { atoms: [], embeddings: [], checksum: [] };

port.on('message', (m: GenerateRequest | GiveBack) => {
  if (m.kind === 'give-back') {
    for (const k of ['atoms', 'embeddings', 'checksum'] as const) free[k].push(m.memory[k]);
    return;
  }
  const { id, first, rows } = m;
  try {
    const checksumMemory = free.checksum.pop();
    if (checksumMemory) checksumRows.reuse(checksumMemory);
    const memory = { atoms: free.atoms.pop(), embeddings: free.embeddings.pop() };
    const { atoms, embeddings } = encodeRowBatchBinary(
      {
        startIndex: first,
        rows,
        each(visit) {
          for (let i = first; i < first + rows; i++) {
            const record = factory(i);
            checksumRows.write(record);
            visit(record);
          }
        },
      },
      memory,
    );
    const checksum = checksumRows.take();
    const reply: GenerateReply = { id, atoms, embeddings, checksum };
    // Each buffer owns its ArrayBuffer (allocUnsafeSlow): transferring it detaches nothing else.
    port.postMessage(reply, [atoms.buffer, embeddings.buffer, checksum.buffer] as ArrayBuffer[]);
  } catch (e) {
    const reply: GenerateReply = { id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    port.postMessage(reply);
  }
});
