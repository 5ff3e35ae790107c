/** Helpers shared by the e2e suites. */
export { startTestServer, REPO_ROOT, type TestServer, type TestServerOptions } from './test-server.js';
export { kubectl, kubectlFor, kubectlBinary, kubectlMissing, startKubectl, type KubectlOptions, type KubectlResult, type KubectlVersion, type RunningKubectl } from './kubectl.js';
export { waitFor } from './wait.js';
