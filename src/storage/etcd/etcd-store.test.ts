import { storeContract } from '../contract-suite.js';
import { EtcdStore } from './etcd-store.js';
import { startEtcd, type TestEtcd } from './test-etcd.js';

let etcd: TestEtcd | undefined;
let n = 0;
storeContract('etcd', {
  async setup() {
    etcd = await startEtcd({ autoCompactionRetention: 0 });
  },
  async teardown() {
    await etcd?.stop();
  },
  async newLocation() {
    return `/skiff-test-${++n}`;
  },
  open: (prefix) => EtcdStore.open({ endpoints: etcd!.endpoints, prefix }),
});
