/** Helpers shared by the e2e suites. */
export { startTestServer, REPO_ROOT, type TestServer, type TestServerOptions } from './test-server.js';
export { kubectl, kubectlFor, kubectlBinary, kubectlMissing, type KubectlOptions, type KubectlResult, type KubectlVersion } from './kubectl.js';
export { waitFor } from './wait.js';
