export interface Manifest {
  body: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}
export class ManifestError extends Error {}
export function parseManifests(text: string): Manifest[];
export function splitYamlDocuments(text: string): string[];
export function readYamlIdentity(doc: string): Record<string, string>;
