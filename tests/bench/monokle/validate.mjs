// The peer of tests/bench/manifest_bench.py: @monokle/validation's pod-security-standards plugin
// over every .yaml/.yml file below a directory, offline. Prints one JSON line with its figures.
//
//   node tests/bench/monokle/validate.mjs DIR
//
// Resources are made the way Monokle's own tools make them: @monokle/parser's
// extractK8sResources() parses each file (all its documents) with the `yaml` package and keeps the
// Kubernetes-like documents. The validator is built from the library's public parts with the
// DefaultPluginLoader, which has the core plugins built in and never downloads one (the default
// validator's RemotePluginLoader fetches unknown plugins from a CDN). Only pod-security-standards
// is enabled, with all 17 of its rules: the baseline ones (PSS1xx) are on by default, the
// restricted ones (PSS2xx) are switched on here, since kubeproof's CIS section 5.2 / 5.6 checks
// judge both kinds of setting. fetch is replaced by a function that counts and refuses calls, so
// the run is offline by construction and says so if anything tried.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { extractK8sResources } from '@monokle/parser';
import {
  AnnotationSuppressor,
  DefaultPluginLoader,
  DisabledFixer,
  FingerprintSuppressor,
  MonokleValidator,
  ResourceParser,
  SchemaLoader,
} from '@monokle/validation';

let fetchAttempts = 0;
globalThis.fetch = async url => {
  fetchAttempts += 1;
  throw new Error(`offline benchmark: refused to fetch ${url}`);
};

const POD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);

/** The containers (init and ephemeral ones too) of a resource with a pod spec, as the PSS rules visit them. */
function containerCount(resource) {
  const c = resource.content ?? {};
  const spec =
    resource.kind === 'Pod'
      ? c.spec
      : resource.kind === 'CronJob'
      ? c.spec?.jobTemplate?.spec?.template?.spec
      : c.spec?.template?.spec;
  return ['containers', 'initContainers', 'ephemeralContainers'].reduce(
    (sum, key) => sum + (Array.isArray(spec?.[key]) ? spec[key].length : 0),
    0,
  );
}

/** Relative paths of the .yaml/.yml files below `root`, sorted; hidden entries are skipped, as kubeproof does. */
function manifestPaths(root, relative = '', out = []) {
  for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) manifestPaths(root, path, out);
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out;
}

async function main() {
  const root = process.argv[2];
  if (!root) {
    console.error('usage: node validate.mjs DIR');
    process.exit(2);
  }
  const started = performance.now();
  const files = manifestPaths(root)
    .sort()
    .map(path => ({ id: path, path, content: readFileSync(join(root, path), 'utf8') }));
  const read = performance.now();
  const resources = extractK8sResources(files);
  const parsed = performance.now();

  const parser = new ResourceParser();
  const validator = new MonokleValidator(
    {
      loader: new DefaultPluginLoader(),
      parser,
      schemaLoader: new SchemaLoader(),
      suppressors: [new AnnotationSuppressor(), new FingerprintSuppressor()],
      fixer: new DisabledFixer(),
    },
    { plugins: { 'pod-security-standards': true } },
  );
  const ruleIds = Array.from({ length: 11 }, (_, i) => `PSS${101 + i}`).concat(
    Array.from({ length: 6 }, (_, i) => `PSS${201 + i}`),
  );
  await validator.preload({
    plugins: { 'pod-security-standards': true },
    rules: Object.fromEntries(ruleIds.map(id => [id, 'err'])),
  });
  const failed = validator.getFailedPlugins();
  if (failed.length) throw new Error(`plugins failed to load: ${failed.join(', ')}`);
  const enabled = validator.rules['pod-security-standards'].filter(r => r.configuration.enabled).length;
  const loaded = performance.now();

  const response = await validator.validate({ resources });
  const validated = performance.now();

  const byRule = {};
  let problems = 0;
  for (const run of response.runs) {
    for (const result of run.results) {
      problems += 1;
      byRule[result.ruleId] = (byRule[result.ruleId] ?? 0) + 1;
    }
  }
  console.log(
    JSON.stringify({
      files: files.length,
      bytes: files.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0),
      resources: resources.length,
      podResources: resources.filter(r => POD_KINDS.has(r.kind)).length,
      containers: resources.filter(r => POD_KINDS.has(r.kind)).reduce((sum, r) => sum + containerCount(r), 0),
      rulesEnabled: enabled,
      problems,
      problemsByRule: byRule,
      readSeconds: (read - started) / 1000,
      parseSeconds: (parsed - read) / 1000,
      preloadSeconds: (loaded - parsed) / 1000,
      validateSeconds: (validated - loaded) / 1000,
      fetchAttempts,
    }),
  );
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
