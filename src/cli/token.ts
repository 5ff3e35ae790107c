import { InvalidArgumentError, type Command } from 'commander';
import { BOOTSTRAP_TOKEN_PREFIX, formatSecureToken, formatTtl, generateToken, parseTokenRef, parseTtl, tokenFromSecret, tokenSecret, type TokenInfo } from '../apiserver/authn/bootstrap-token-format.js';

interface CommonFlags {
  kubeconfig?: string;
}

function ttlArg(v: string): number {
  try {
    return parseTtl(v);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

async function connect(flags: CommonFlags): Promise<{ client: import('../client/rest-client.js').RestClient; caPem: Buffer }> {
  const { loadKubeconfig } = await import('../client/kubeconfig.js');
  const { clientFromConnection } = await import('../client/rest-client.js');
  const conn = loadKubeconfig({ ...(flags.kubeconfig ? { path: flags.kubeconfig } : {}) });
  if (!conn.ca) throw new Error('the kubeconfig names no certificate authority, so the token cannot pin it');
  return { client: clientFromConnection(conn, { userAgent: 'skiff-token' }), caPem: conn.ca };
}

/**
 * `skiff token create|list|delete`: join tokens kept as bootstrap-token Secrets in
 * kube-system (kubeadm's format), printed as `K10<sha256 of the CA>::<id>.<secret>`.
 */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('manage join tokens (bootstrap-token Secrets in kube-system)');
  const kubeconfigHelp = 'kubeconfig of the cluster (default: $KUBECONFIG, then ~/.kube/config)';

  token
    .command('create')
    .description('create a join token and print it as K10<ca-hash>::<id>.<secret>')
    .option('--kubeconfig <file>', kubeconfigHelp)
    .option('--ttl <duration>', 'how long the token is valid (0 = never expires)', ttlArg, 24 * 3_600_000)
    .option('--description <text>', 'what the token is for')
    .action(async (flags: CommonFlags & { ttl: number; description?: string }) => {
      const { client, caPem } = await connect(flags);
      try {
        const { SecretKind } = await import('../api/core/v1/secret.js');
        const { isAlreadyExists } = await import('../client/status-error.js');
        const secrets = client.resource(SecretKind);
        // A clash of random ids is unlikely (36^6); retry a few times rather than fail.
        for (let attempt = 0; ; attempt++) {
          const t = generateToken();
          try {
            await secrets.create(tokenSecret(t, { now: new Date(), ttlMs: flags.ttl, ...(flags.description ? { description: flags.description } : {}) }), { namespace: 'kube-system' });
            process.stdout.write(`${formatSecureToken(caPem, t)}\n`);
            return;
          } catch (err) {
            if (!isAlreadyExists(err) || attempt >= 4) throw err;
          }
        }
      } finally {
        client.close();
      }
    });

  token
    .command('list')
    .description('list join tokens with their time to live')
    .option('--kubeconfig <file>', kubeconfigHelp)
    .action(async (flags: CommonFlags) => {
      const { client } = await connect(flags);
      try {
        const { SecretKind } = await import('../api/core/v1/secret.js');
        const list = await client.resource(SecretKind).list({ namespace: 'kube-system' });
        const tokens = list.items.map(tokenFromSecret).filter((t): t is TokenInfo => t !== undefined);
        process.stdout.write(formatTokenTable(tokens, new Date()));
      } finally {
        client.close();
      }
    });

  token
    .command('delete')
    .description('delete join tokens (by id, id.secret or the K10 form)')
    .argument('<tokens...>', 'tokens or token ids')
    .option('--kubeconfig <file>', kubeconfigHelp)
    .action(async (refs: string[], flags: CommonFlags, cmd: Command) => {
      const parsed = refs.map((r) => ({ r, t: parseTokenRef(r) }));
      const bad = parsed.find((p) => !p.t);
      if (bad) cmd.error(`error: "${bad.r}" is not a token or token id`);
      const { client } = await connect(flags);
      try {
        const { SecretKind } = await import('../api/core/v1/secret.js');
        const { isNotFound } = await import('../client/status-error.js');
        const secrets = client.resource(SecretKind);
        for (const { t } of parsed) {
          const id = t?.id ?? '';
          try {
            await secrets.delete(`${BOOTSTRAP_TOKEN_PREFIX}${id}`, { namespace: 'kube-system' });
          } catch (err) {
            if (isNotFound(err)) throw new Error(`token ${id} not found`);
            throw err;
          }
          process.stdout.write(`bootstrap token "${id}" deleted\n`);
        }
      } finally {
        client.close();
      }
    });
}

/** kubeadm-like table: TOKEN TTL EXPIRES USAGES DESCRIPTION EXTRA GROUPS. */
export function formatTokenTable(tokens: readonly TokenInfo[], now: Date): string {
  const rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
  for (const t of [...tokens].sort((a, b) => a.id.localeCompare(b.id))) {
    rows.push([`${t.id}.${t.secret}`, formatTtl(t.expires, now), t.expires ? t.expires.toISOString().replace(/\.\d{3}Z$/, 'Z') : '<never>', t.usages.join(','), t.description || '<none>', t.groups.join(',')]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd()).join('\n') + '\n';
}
