import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.ts';
import { parseDurationSec } from '../../../src/cli/options.ts';
import { resolveShardRun } from '../../../src/cli/shard-options.ts';
import { shardLoadProblems } from '../../../src/load/shard.ts';
import { validateScenario } from '../../../src/scenario/load.ts';

/**
 * examples/kubernetes/: every manifest is validated against the Kubernetes API schemas with
 * kubernetes-models (its classes' validate() checks an object against the OpenAPI schema of its kind,
 * ajv underneath), then checked for what atombench reads from it: the Indexed Job's shard count, the
 * Secret key behind ATOMBENCH_URL, the scenario in the ConfigMap (validated by atombench's own
 * loader), the arguments (parsed by atombench's own CLI), the results volume, a non-root image.
 */

const DIR = 'examples/kubernetes';
const MODELS = {
  'batch/v1/Job': Job,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
} as const;

// Manifests are free-form YAML; kubernetes-models has already checked their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const docs: { file: string; obj: Obj }[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
      expect(d.errors, file).toEqual([]);
      return { file, obj: d.toJS() as Obj };
    }),
  );
const byName = (kind: string, name: string) =>
  docs.find((d) => d.obj.kind === kind && d.obj.metadata?.name === name)?.obj;
const shardJob = byName('Job', 'atombench-shards')!;
const mergeJob = byName('Job', 'atombench-merge')!;
const envOf = (c: Obj, name: string) => (c.env as Obj[]).find((e) => e.name === name);

describe('examples/kubernetes manifests', () => {
  it('are all valid Kubernetes objects of a known kind (kubernetes-models, the API schemas)', () => {
    expect(docs.map((d) => `${d.file}:${d.obj.kind}`).sort()).toEqual([
      'configmap.yaml:ConfigMap',
      'job-merge.yaml:Job',
      'job-shards.yaml:Job',
      'results-pvc.yaml:PersistentVolumeClaim',
      'secret.yaml:Secret',
    ]);
    for (const { file, obj } of docs) {
      const Model = MODELS[`${obj.apiVersion}/${obj.kind}` as keyof typeof MODELS];
      expect(Model, file).toBeDefined();
      expect(() => new Model(obj as never).validate(), file).not.toThrow();
    }
  });

  it('a broken manifest is refused by the same validator (it can fail)', () => {
    const bad = structuredClone(shardJob);
    bad.spec.completionMode = 'indexed';
    bad.spec.template.spec.containers[0].env[0].value = 4;
    expect(() => new Job(bad as never).validate()).toThrow(/completionMode|must be string/);
  });

  it('runs N shards as an Indexed Job: completions = parallelism = ATOMBENCH_SHARDS, no retries', async () => {
    const spec = shardJob.spec;
    const c = spec.template.spec.containers[0];
    const n = Number(envOf(c, 'ATOMBENCH_SHARDS').value);
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.completions).toBe(n);
    expect(spec.parallelism).toBe(n);
    expect(spec.backoffLimit).toBe(0);
    expect(spec.template.spec.restartPolicy).toBe('Never');
    // Each pod's arguments and environment, as atombench itself reads them.
    for (let i = 0; i < n; i++) {
      const env = {
        JOB_COMPLETION_INDEX: String(i),
        ATOMBENCH_SHARDS: String(n),
        ATOMBENCH_RUN_ID: 'b7e2c1a4-2f1d-4c1e-9a55-0c0ffee00001',
      };
      const program = await buildProgram(() => {});
      const run = program.commands.find((x) => x.name() === 'run')!;
      run.action(() => {}); // parse only
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        program.parse(['node', 'atombench', ...c.args]);
      } finally {
        process.env = saved;
      }
      const flags = run.opts();
      expect(run.args[0]).toBe('/scenario/scenario.yaml');
      const sharding = resolveShardRun({ ...flags, runId: env.ATOMBENCH_RUN_ID }, env, parseDurationSec);
      expect(sharding.shard).toEqual({
        spec: { index: i, count: n },
        start: { kind: 'barrier', timeoutMs: 15 * 60_000 },
      });
      expect(flags.out).toBe('/results');
    }
    expect(envOf(c, 'ATOMBENCH_RUN_ID').valueFrom.fieldRef.fieldPath).toBe(
      "metadata.labels['controller-uid']",
    );
  });

  it('reads the URL from the Secret and the scenario from the ConfigMap, which atombench accepts for N shards', () => {
    const c = shardJob.spec.template.spec.containers[0];
    const ref = envOf(c, 'ATOMBENCH_URL').valueFrom.secretKeyRef;
    const secret = byName('Secret', ref.name)!;
    expect(Object.keys(secret.stringData ?? secret.data)).toContain(ref.key);
    const vols = shardJob.spec.template.spec.volumes as Obj[];
    const mount = (c.volumeMounts as Obj[]).find((m) => c.args[1].startsWith(`${m.mountPath}/`))!;
    const vol = vols.find((v) => v.name === mount.name)!;
    const cm = byName('ConfigMap', vol.configMap.name)!;
    const text = cm.data[c.args[1].slice(mount.mountPath.length + 1)];
    const v = validateScenario(parseAllDocuments(text)[0]!.toJS());
    expect(v.problems).toEqual([]);
    expect(v.scenario!.engine).toBe('postgis');
    const n = Number(envOf(c, 'ATOMBENCH_SHARDS').value);
    for (let i = 0; i < n; i++)
      expect(shardLoadProblems(v.scenario!.load, { index: i, count: n })).toEqual([]);
  });

  it('writes results to one shared claim that the merge Job reads, and runs non-root on node:20-slim', () => {
    const claim = (job: Obj) =>
      (job.spec.template.spec.volumes as Obj[]).find((v) => v.persistentVolumeClaim)!.persistentVolumeClaim
        .claimName;
    expect(claim(shardJob)).toBe('atombench-results');
    expect(claim(mergeJob)).toBe('atombench-results');
    expect(byName('PersistentVolumeClaim', 'atombench-results')!.spec.accessModes).toEqual(['ReadWriteMany']);
    const m = mergeJob.spec.template.spec.containers[0];
    expect(m.args).toEqual(['merge', '/results/$(RUN_ID)', '--out', '/results/$(RUN_ID)/merged']);
    for (const job of [shardJob, mergeJob]) {
      expect(job.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(job.spec.template.spec.securityContext.runAsUser).not.toBe(0);
    }
    const docker = readFileSync(join(DIR, 'Dockerfile'), 'utf8');
    const froms = [...docker.matchAll(/^FROM (\S+)/gm)].map((x) => x[1]);
    expect(froms).toEqual(['node:20-slim', 'node:20-slim']);
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toContain('ENTRYPOINT ["node", "/app/bin/atombench.js"]');
  });
});
