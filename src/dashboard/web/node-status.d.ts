export function nodeStatus(node: object): string;
export function nodeRoles(node: object): string;
export function nodeInternalIp(node: object): string;
