// Runs the platform's own entry points as child processes, the way npm scripts do.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const projectRoot = path.join(__dirname, '..', '..');

/** The variables a child may inherit; everything Smilefund reads is given explicitly by the test. */
function baseEnvironment(): NodeJS.ProcessEnv {
  const { PATH, HOME, LANG, TMPDIR } = process.env;
  return { PATH, HOME, LANG, TMPDIR, NODE_ENV: 'test', LOG_LEVEL: 'info' };
}

export function spawnScript(script: string, env: NodeJS.ProcessEnv, args: string[] = []): ChildProcess & { output: { stdout: string; stderr: string } } {
  // As package.json runs it: node itself with tsx's loader, so a signal reaches the script and no wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: projectRoot, env: { ...baseEnvironment(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  return Object.assign(child, { output });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function runScript(script: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnScript(script, env, args);
  const code = await exitOf(child);
  return { code, ...child.output };
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects if the child exits first. */
export function waitForOutput(child: ReturnType<typeof spawnScript>, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = child.output.stdout.match(pattern);
      if (match) {
        child.stdout?.off('data', check);
        child.off('exit', onExit);
        resolve(match);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`exited with ${code} before printing ${pattern}:\n${child.output.stdout}\n${child.output.stderr}`));
    child.stdout?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/** The process ids under `pid`: `tsx` runs the script in a child node process of its own. */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}


/** SIGKILL for the script and whatever it started (esbuild's service, an embedded PostgreSQL): no handler, no cleanup. */
export async function killHard(child: ChildProcess): Promise<void> {
  for (const pid of descendantsOf(child.pid!).reverse()) process.kill(pid, 'SIGKILL');
  child.kill('SIGKILL');
  await exitOf(child);
}

/** A figure from /proc/PID/status, in bytes: VmRSS now, VmHWM the peak since it was last reset. */
export function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}
