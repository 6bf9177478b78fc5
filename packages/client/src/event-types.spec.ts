import { clientEventTypeDeclarations } from '@tidings/events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe("@tidings/client's typed event inputs", () => {
  it('are what the registry generates now (else run `npm run client:types` and commit event-types.ts)', () => {
    const committed = readFileSync(join(__dirname, 'event-types.ts'), 'utf8').split('\n');
    const generated = clientEventTypeDeclarations().split('\n');
    const line = generated.findIndex((text, index) => committed[index] !== text);
    const firstDifference =
      line === -1 && committed.length === generated.length ? null : { line: line + 1, committed: committed[line], generated: generated[line] };
    expect(firstDifference).toBeNull();
  });

  it('cover exactly the types another service may register', () => {
    const types = [...clientEventTypeDeclarations().matchAll(/^ {2}"([^"]+)": \w+Body;$/gm)].map((match) => match[1]);
    expect(types).toContain('project:created');
    expect(types).toContain('jupyter:image-build:failed');
    expect(types.filter((type) => !/^(project|jupyter):/.test(type))).toEqual([]);
  });
});
