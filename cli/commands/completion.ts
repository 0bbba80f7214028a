/**
 * `completion bash|zsh`: a completion script generated from the command tree itself, so it never goes stale.
 * Commands that take a playground NAME complete it from `kpo get -o name` (the default target).
 *   bash: source <(kpo completion bash)      zsh: source <(kpo completion zsh)
 */
import type { Command } from 'commander';
import { type CliIo, processIo, usageError } from '../output.js';

interface Node {
  path: string;
  subs: string[];
  options: string[];
  takesName: boolean;
}

function walk(cmd: Command, path: string, out: Node[]): void {
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  out.push({
    path,
    subs: subs.map((c) => c.name()),
    options: [...cmd.options.flatMap((o) => [o.short, o.long].filter((x): x is string => !!x)), '--help'],
    takesName: cmd.registeredArguments[0]?.name() === 'name',
  });
  for (const s of subs) walk(s, `${path} ${s.name()}`, out);
}

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export function bashScript(program: Command): string {
  const nodes: Node[] = [];
  walk(program, 'kpo', nodes);
  const assign = (name: string, f: (n: Node) => string) =>
    nodes.map((n) => `_kpo_${name}[${q(n.path)}]=${q(f(n))}`).join('\n');
  return `# kpo completion (bash). Load with: source <(kpo completion bash)
declare -gA _kpo_subs _kpo_opts _kpo_named
${assign('subs', (n) => n.subs.join(' '))}
${assign('opts', (n) => n.options.join(' '))}
${nodes
  .filter((n) => n.takesName)
  .map((n) => `_kpo_named[${q(n.path)}]=1`)
  .join('\n')}
_kpo() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path=kpo i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ $w == -* ]] && continue
    [[ -n "\${_kpo_subs[$path $w]+set}" ]] && path="$path $w"
  done
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "\${_kpo_opts[$path]}" -- "$cur"))
  elif [[ -n "\${_kpo_subs[$path]}" ]]; then
    COMPREPLY=($(compgen -W "\${_kpo_subs[$path]}" -- "$cur"))
  elif [[ -n "\${_kpo_named[$path]+set}" ]]; then
    COMPREPLY=($(compgen -W "$(\${COMP_WORDS[0]} get -o name 2>/dev/null | sed 's|^playground/||')" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _kpo kpo
`;
}

export function zshScript(program: Command): string {
  return `#compdef kpo
# kpo completion (zsh), through zsh's bash completion layer. Load with: source <(kpo completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(program).replace(/^# kpo completion \(bash\).*\n/, '')}`;
}

export function register(program: Command, io: CliIo = processIo()): void {
  program
    .command('completion <shell>')
    .description('print a shell completion script: bash or zsh (e.g. source <(kpo completion bash))')
    .action((shell: string) => {
      if (shell === 'bash') io.stdout.write(bashScript(program));
      else if (shell === 'zsh') io.stdout.write(zshScript(program));
      else usageError(io, 'completion', `unsupported shell '${shell}': use bash or zsh`);
    });
}
