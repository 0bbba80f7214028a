#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx compiles cli/main.ts and its imports on the fly.
import { register } from 'tsx/esm/api';

// Node 20 is supported by this project; the SDK's notice about future releases is not for CLI users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
