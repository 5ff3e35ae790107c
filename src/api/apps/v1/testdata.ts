import type { PodTemplateSpec } from '../../core/v1/pod-template.js';

/** A pod template as common manifests write it (nginx on port 80), labels app=<app>. */
export function sampleTemplate(app = 'web'): PodTemplateSpec {
  return {
    metadata: { labels: { app } },
    spec: {
      containers: [
        {
          name: 'nginx',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80 }],
          resources: { requests: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  };
}
