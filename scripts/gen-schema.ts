/**
 * `npm run schema`: writes the generated JSON Schema and document reference from schemas/playground.ts.
 * A unit test fails when the committed files differ from what this would write.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchema } from '../schemas/json-schema.js';
import { renderReference } from '../schemas/reference.js';
import { renderStructureCode, STRUCTURE_TYPES } from '../schemas/structure-code.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const GENERATED_FILES: Record<string, () => string> = {
  'schemas/playground.schema.json': renderJsonSchema,
  'docs/document-reference.md': renderReference,
  'schemas/structure.generated.js': renderStructureCode,
  'schemas/structure.generated.d.ts': () => STRUCTURE_TYPES,
};

for (const [file, render] of Object.entries(GENERATED_FILES)) {
  writeFileSync(join(root, file), render());
  process.stdout.write(`wrote ${file}\n`);
}
