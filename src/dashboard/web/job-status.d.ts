export function jobStatus(job: object): string;
export function jobCompletions(job: object): string;
export function jobDuration(job: object, now: number): string;
export function manualJobFor(cronJob: object, suffix: string): {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean }[];
  };
  spec: any;
};
export function randomSuffix(length?: number, random?: () => number): string;
