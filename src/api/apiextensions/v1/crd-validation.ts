import type { SchemaFieldError } from '../../schema/dsl.js';
import { fieldError } from '../../meta/v1/index.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../../machinery/names.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from './custom-resource-definition.js';

/**
 * Upstream's ValidateCustomResourceDefinition, the parts that matter for serving: the
 * name/group/names agreement, one storage version, schemas present and rooted at an
 * object, sane subresource paths and printer columns, and a webhook when asked for.
 */
export function validateCustomResourceDefinition(crd: CustomResourceDefinition): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const spec = crd.spec ?? {};
  const group = spec.group ?? '';
  const names = spec.names ?? {};
  const plural = names.plural ?? '';
  const name = crd.metadata?.name ?? '';

  if (plural && group && name !== `${plural}.${group}`) {
    errs.push(fieldError.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (group) {
    const problems = isDNS1123Subdomain(group);
    if (problems.length > 0) errs.push(fieldError.invalid('spec.group', group, problems.join(',')));
    else if (!group.includes('.')) errs.push(fieldError.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  for (const key of ['plural', 'singular'] as const) {
    const v = names[key];
    if (v) {
      const problems = isDNS1035Label(v);
      if (problems.length > 0) errs.push(fieldError.invalid(`spec.names.${key}`, v, problems.join(',')));
    }
  }
  (names.shortNames ?? []).forEach((s, i) => {
    const problems = isDNS1035Label(s);
    if (problems.length > 0) errs.push(fieldError.invalid(`spec.names.shortNames[${i}]`, s, problems.join(',')));
  });
  if (names.kind) {
    const problems = isDNS1035Label(names.kind.toLowerCase());
    if (problems.length > 0) {
      errs.push(fieldError.invalid('spec.names.kind', names.kind, `may have mixed case, but should otherwise match: ${problems.join(',')}`));
    }
    if (names.listKind && names.listKind === names.kind) {
      errs.push(fieldError.invalid('spec.names.listKind', names.listKind, 'kind and listKind may not be the same'));
    }
  }

  const versions = spec.versions ?? [];
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (v.storage) storage++;
    if (seen.has(v.name ?? '')) unique = false;
    seen.add(v.name ?? '');
    if (v.name) {
      const problems = isDNS1035Label(v.name);
      if (problems.length > 0) errs.push(fieldError.invalid(`${p}.name`, v.name, problems.join(',')));
    }
    errs.push(...validateVersion(v, p));
  });
  if (!unique) errs.push(fieldError.invalid('spec.versions', versions, 'must contain unique version names'));
  if (storage !== 1) errs.push(fieldError.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));

  if (spec.conversion?.strategy === 'Webhook' && !spec.conversion.webhook) {
    errs.push(fieldError.required('spec.conversion.webhook', 'required when strategy is set to Webhook'));
  }
  if (spec.conversion?.strategy === 'None' && spec.conversion.webhook) {
    errs.push(fieldError.forbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

function validateVersion(v: CustomResourceDefinitionVersion, p: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const root = v.schema?.openAPIV3Schema;
  if (!root) {
    errs.push(fieldError.required(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
  } else {
    const path = `${p}.schema.openAPIV3Schema`;
    if (!root.type) errs.push(fieldError.required(`${path}.type`, 'must not be empty at the root'));
    else if (root.type !== 'object') errs.push(fieldError.invalid(`${path}.type`, root.type, 'must be object at the root'));
    if (root['x-kubernetes-preserve-unknown-fields'] === false) {
      errs.push(fieldError.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
    }
  }
  const scale = v.subresources?.scale;
  if (scale) {
    const sp = `${p}.subresources.scale`;
    if (scale.specReplicasPath && !scale.specReplicasPath.startsWith('.spec.')) {
      errs.push(fieldError.invalid(`${sp}.specReplicasPath`, scale.specReplicasPath, 'should be a json path under .spec'));
    }
    if (scale.statusReplicasPath && !scale.statusReplicasPath.startsWith('.status.')) {
      errs.push(fieldError.invalid(`${sp}.statusReplicasPath`, scale.statusReplicasPath, 'should be a json path under .status'));
    }
    const lsp = scale.labelSelectorPath;
    if (lsp && !lsp.startsWith('.spec.') && !lsp.startsWith('.status.')) {
      errs.push(fieldError.invalid(`${sp}.labelSelectorPath`, lsp, 'should be a json path under either .spec or .status'));
    }
  }
  (v.additionalPrinterColumns ?? []).forEach((c, i) => {
    if (c.jsonPath && !c.jsonPath.startsWith('.')) {
      errs.push(fieldError.invalid(`${p}.additionalPrinterColumns[${i}].jsonPath`, c.jsonPath, 'must be a simple json path starting with .'));
    }
  });
  if ((v.selectableFields ?? []).length > 8) {
    errs.push(fieldError.tooMany(`${p}.selectableFields`, (v.selectableFields ?? []).length, 8));
  }
  return errs;
}
