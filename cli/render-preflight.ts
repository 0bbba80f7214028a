/** Human output for the network preflight's problems, as `kpo plan` and `kpo local network show` print them. */
import type { PreflightProblem } from '../schemas/status.js';
import type { Colors } from './output.js';

export function renderPreflight(problems: readonly PreflightProblem[], c: Colors): string {
  if (problems.length === 0) return '';
  const errors = problems.filter((p) => p.severity === 'error').length;
  const head =
    errors > 0
      ? c.red(`Network preflight: ${errors} error${errors > 1 ? 's' : ''}; nothing is created until they are fixed.`)
      : c.yellow(`Network preflight: ${problems.length} warning${problems.length > 1 ? 's' : ''}.`);
  const lines = problems.map((p) => {
    const tag = p.severity === 'error' ? c.red('ERROR  ') : c.yellow('WARNING');
    return `  ${tag} ${p.code} ${p.resource}${p.path ? ` (${p.path})` : ''}\n          ${p.message}`;
  });
  return `${head}\n${lines.join('\n')}\n`;
}
