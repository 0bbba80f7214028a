// One self-contained Lambda asset per function: every top-level functions/*.ts becomes dist/<name>/, holding
// index.mjs (the handler) and chunks/*.mjs, the code it imports only when an invocation needs it (esbuild
// code splitting, each function built on its own so no chunk is shared between two assets).
//
// The AWS SDK v3 is bundled and tree-shaken: each function carries only the clients and commands it uses, in
// the version the tests ran against (Lambda's own SDK changes under a function without notice:
// https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html). KPO_BUNDLE_SDK=0 leaves the SDK to the
// runtime's copy instead.
//
// Sizes (dist/sizes.json, printed below): "init" is what Lambda loads when it imports index.mjs (the entry and
// every chunk it imports statically: the 400 KB target); "lazy" is what the operator's own code imports later
// (the engine and its clients, the validators); "sdk-own lazy" are chunks only the SDK imports on paths these
// functions do not take on Lambda: credential providers other than the environment's (SSO, ini files, process,
// web identity, instance metadata; a Lambda's credentials are environment variables:
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
// event streams, the browser user-agent parser; "dir" is the whole asset.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const INIT_LIMIT_BYTES = 400 * 1000;
const bundleSdk = process.env.KPO_BUNDLE_SDK !== '0';

/**
 * The SDK's generated schema modules (one per client; EC2's is 1.3 MB) describe every operation as arrays with
 * computed keys such as `{ [_xN]: _Fil }`, where `_xN` is a module-level string constant. esbuild cannot prove
 * a computed key free of side effects, so it keeps every schema. Writing those keys as the literals they stand
 * for is the same object and lets tree shaking keep only the schemas the function's commands reach.
 */
const sdkSchemaLiteralKeys = {
  name: 'sdk-schema-literal-keys',
  setup(b) {
    b.onLoad(
      { filter: /[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:.*[\\/])?schemas[\\/][^\\/]+\.js$/ },
      async (args) => {
        const src = await readFile(args.path, 'utf8');
        const strings = new Map();
        for (const m of src.matchAll(/^const (_[A-Za-z0-9_$]+) = ("[^"\\\n]*");$/gm)) strings.set(m[1], m[2]);
        // Only a key of an object literal: right after `{` or `,`.
        const contents = src.replace(/([{,]\s*)\[(_[A-Za-z0-9_$]+)\]:/g, (all, before, id) =>
          strings.has(id) ? `${before}${strings.get(id)}:` : all,
        );
        return { contents, loader: 'js' };
      },
    );
  },
};

const entries = readdirSync('functions')
  .filter((f) => f.endsWith('.ts') && statSync(join('functions', f)).isFile())
  .map((f) => f.replace(/\.ts$/, ''));

/** What the entry loads at import (its static closure) and what it may load later. */
function measure(metafile, dir) {
  const outputs = metafile.outputs;
  const rel = (p) => relative(dir, p).split('\\').join('/');
  const entry = Object.keys(outputs).find((p) => rel(p) === 'index.mjs');
  const closure = (start) => {
    const seen = new Set();
    const walk = (p) => {
      if (seen.has(p) || !outputs[p]) return;
      seen.add(p);
      for (const i of outputs[p].imports) if (i.kind === 'import-statement' && !i.external) walk(i.path);
    };
    walk(start);
    return seen;
  };
  const init = closure(entry);
  const files = Object.keys(outputs).filter((p) => p.endsWith('.mjs'));
  const bytes = (set) => [...set].reduce((n, p) => n + outputs[p].bytes, 0);
  // Lazy chunks the operator's own code imports (routes, the runtime), with what they import statically;
  // the rest are imported by the SDK only.
  const own = new Set();
  const sdkOnly = new Set();
  for (const p of files) {
    if (init.has(p) || !outputs[p].entryPoint) continue;
    const target = outputs[p].entryPoint.includes('node_modules') ? sdkOnly : own;
    for (const q of closure(p)) if (!init.has(q)) target.add(q);
  }
  for (const p of own) sdkOnly.delete(p);
  return {
    initBytes: bytes(init),
    initFiles: [...init].map(rel),
    lazyBytes: bytes(own),
    lazyFiles: [...own].map(rel),
    sdkOwnLazyBytes: bytes(sdkOnly),
    dirBytes: files.reduce((n, p) => n + outputs[p].bytes, 0),
    files: files.length,
    sdk: bundleSdk ? 'bundled' : 'external',
  };
}

const sizes = {};
mkdirSync('dist', { recursive: true });
for (const name of entries) {
  // Built aside, then put in place whole: a test importing dist/<name>/ meanwhile never sees half an asset.
  const outdir = join('dist', `.${name}.${process.pid}`);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: join('functions', `${name}.ts`) },
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    // The Aws wrapper names operations after their command classes.
    keepNames: true,
    sourcemap: false,
    metafile: true,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    banner: {
      js: "import{createRequire as __kpoCreateRequire}from'node:module';const require=__kpoCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
    external: bundleSdk ? [] : ['@aws-sdk/*', '@smithy/*'],
    plugins: bundleSdk ? [sdkSchemaLiteralKeys] : [],
  });
  sizes[name] = measure(result.metafile, outdir);
  rmSync(join('dist', name), { recursive: true, force: true });
  renameSync(outdir, join('dist', name));
  // Outside the asset directory: esbuild's metafile, for analysing what each function carries.
  writeFileSync(join('dist', `${name}.metafile.json`), JSON.stringify(result.metafile));
}
writeFileSync(join('dist', `.sizes.${process.pid}`), `${JSON.stringify(sizes, null, 2)}\n`);
renameSync(join('dist', `.sizes.${process.pid}`), join('dist', 'sizes.json'));
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`.padStart(10);
console.log(
  `SDK ${bundleSdk ? 'bundled' : 'external (the Lambda runtime’s)'}; init = index.mjs + the chunks it imports statically (target ≤ ${INIT_LIMIT_BYTES / 1000} KB)`,
);
for (const [name, s] of Object.entries(sizes)) {
  console.log(
    `dist/${name}/  init ${kib(s.initBytes)} ${s.initBytes <= INIT_LIMIT_BYTES ? 'ok  ' : 'OVER'}  lazy ${kib(s.lazyBytes)}  sdk-own lazy ${kib(s.sdkOwnLazyBytes)}  dir ${kib(s.dirBytes)} (${s.files} files)`,
  );
}
if (Object.values(sizes).some((s) => s.initBytes > INIT_LIMIT_BYTES)) process.exitCode = 1;
