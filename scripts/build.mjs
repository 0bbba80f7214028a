// One esbuild bundle per Lambda function: every top-level functions/*.ts becomes dist/<name>/index.mjs.
// The AWS SDK v3 is left to the Lambda runtime (nodejs20.x and later ship it), which keeps bundles small and
// cold starts short; KPO_BUNDLE_SDK=1 bundles it too (for an SDK newer than the runtime's).
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const entries = readdirSync('functions')
  .filter((f) => f.endsWith('.ts') && statSync(join('functions', f)).isFile())
  .map((f) => f.replace(/\.ts$/, ''));

const sizes = {};
for (const name of entries) {
  const outfile = join('dist', name, 'index.mjs');
  const result = await build({
    entryPoints: [join('functions', `${name}.ts`)],
    outfile,
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
    external: process.env.KPO_BUNDLE_SDK === '1' ? [] : ['@aws-sdk/*', '@smithy/*'],
  });
  sizes[name] = statSync(outfile).size;
  void result;
}
mkdirSync('dist', { recursive: true });
writeFileSync(join('dist', 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
for (const [name, size] of Object.entries(sizes))
  console.log(`dist/${name}/index.mjs  ${(size / 1024).toFixed(1)} KiB`);
