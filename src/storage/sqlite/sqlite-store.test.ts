import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '../contract-suite.js';
import { SqliteStore } from './sqlite-store.js';

let dir = '';
let n = 0;
storeContract('sqlite', {
  async setup() {
    dir = mkdtempSync(join(tmpdir(), 'skiff-sqlite-contract-'));
  },
  async teardown() {
    rmSync(dir, { recursive: true, force: true });
  },
  async newLocation() {
    return join(dir, `db-${++n}.sqlite`);
  },
  open: (path) => SqliteStore.open({ path, autoCompaction: false }),
});
