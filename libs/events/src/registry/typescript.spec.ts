import ts from 'typescript';
import { eventTypeDeclarations } from './typescript';

/** The diagnostics of compiling `usage` against the generated declarations under --strict. */
function compile(usage: string): string[] {
  const files: Record<string, string> = { '/events.ts': eventTypeDeclarations(), '/usage.ts': `import { EventInput } from './events';\n${usage}` };
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => files[name] ?? readFile(name);
  host.fileExists = (name) => name in files || fileExists(name);
  host.getSourceFile = (name, version) =>
    name in files ? ts.createSourceFile(name, files[name], version) : getSourceFile(name, version);
  const program = ts.createProgram(Object.keys(files), options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the generated TypeScript declarations', () => {
  it('type each body by its type name: valid inputs compile, a wrong layer or field does not', () => {
    expect(
      compile(`
        const created: EventInput = { type: 'project:created', project: { uuid: 'u', name: null } };
        const failed: EventInput<'project:one-off-job:pipeline-run:failed'> = {
          type: 'project:one-off-job:pipeline-run:failed',
          occurred_at: '2026-11-20T10:00:00Z',
          project: { uuid: 'p' },
          job: { uuid: 'j', parameters: { any: ['thing'] } },
          pipeline_run: { uuid: 'r', number: 12, failed_steps: [{ uuid: 's', title: 'load' }] },
        };
        const updated: EventInput = { type: 'project:updated', project: { uuid: 'p' }, update: { changes: [{ type: 'DELETED', changed_object: 'x' }] } };
        export const all = [created, failed, updated];
      `),
    ).toEqual([]);
    const refused = [
      `export const a: EventInput = { type: 'project:created', job: { uuid: 'j' } };`,
      `export const b: EventInput = { type: 'project:created', project: { uuid: 1 } };`,
      `export const c: EventInput = { type: 'project:created', project: { uuid: 'u', colour: 'red' } };`,
      `export const d: EventInput = { type: 'project:updated', project: { uuid: 'p' }, update: { changes: [{ type: 'RENAMED', changed_object: 'x' }] } };`,
      `export const e: EventInput = { type: 'project:exploded', project: { uuid: 'u' } };`,
    ];
    for (const usage of refused) expect({ usage, errors: compile(usage).length > 0 }).toEqual({ usage, errors: true });
  });
});
