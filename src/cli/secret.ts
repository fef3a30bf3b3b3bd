/** `mcpo secret create|update`: values sealed on this machine, only ciphertext written. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { readSecretData, type SecretValueSources } from '../changes/input.js';
import { LOCK_HELP } from '../changes/lock.js';
import { createSecret, type UpdateStrategy, updateSecret } from '../changes/secret.js';
import { refused } from '../changes/working-tree.js';
import type { SealingScope, SecretType } from '../model/types.js';
import { loadSealingCertificate } from '../secrets/certificate.js';
import { MAX_SECRET_DATA_BYTES } from '../core/limits.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SealingKey } from '../secrets/seal.js';
import { action } from './command.js';
import { reportChange } from './output.js';
import { McpoError } from '../core/errors.js';

const TYPES: Record<string, SecretType> = {
  opaque: 'SECRET_TYPE_OPAQUE',
  dockerconfigjson: 'SECRET_TYPE_DOCKER_CONFIG_JSON',
  'basic-auth': 'SECRET_TYPE_BASIC_AUTH',
  'ssh-auth': 'SECRET_TYPE_SSH_AUTH',
  tls: 'SECRET_TYPE_TLS',
};
const SCOPES: Record<string, SealingScope> = {
  strict: 'SEALING_SCOPE_STRICT',
  'namespace-wide': 'SEALING_SCOPE_NAMESPACE_WIDE',
  'cluster-wide': 'SEALING_SCOPE_CLUSTER_WIDE',
};
const STRATEGIES: Record<string, UpdateStrategy> = {
  replace: 'SECRET_UPDATE_STRATEGY_REPLACE',
  merge: 'SECRET_UPDATE_STRATEGY_MERGE',
  patch: 'SECRET_UPDATE_STRATEGY_PATCH',
};

function choice<T>(table: Record<string, T>) {
  return (value: string): T => {
    const found = table[value.toLowerCase()];
    if (found === undefined) throw new InvalidArgumentError(`expected one of ${Object.keys(table).join(', ')}`);
    return found;
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

type DataOptions = SecretValueSources;

async function sealingKey(repo: string, cert?: string): Promise<SealingKey | Diagnostic> {
  try {
    return (await loadSealingCertificate({ cert, repoRoot: repo })).key;
  } catch (err) {
    if (err instanceof McpoError)
      return {
        code: 'usage',
        severity: 'error',
        file: '<certificate>',
        message: err.message,
        hint: "pass --cert FILE|URL with the Sealed Secrets controller's certificate, or set sealing.certificate in mcpo.yaml",
      };
    throw err;
  }
}

function dataOptions(command: Command): Command {
  return command
    .option('--from-literal <key=value>', 'a value (repeatable)', collect)
    .option(
      '--from-file <[key=]path>',
      `a value read from a file (repeatable); all values of one secret together at most ${MAX_SECRET_DATA_BYTES / 1024} KiB`,
      collect,
    )
    .option('--cert <file-or-url>', "the Sealed Secrets controller's certificate (default: sealing.certificate in mcpo.yaml)")
    .option('--repo <dir>', 'config repository', '.')
    .option('--dry-run', 'check and report, write nothing')
    .addHelpText('after', LOCK_HELP);
}

export function registerSecret(program: Command): void {
  const secret = program.command('secret').description('create or update a sealed Secret declaration');

  dataOptions(
    secret
      .command('create')
      .description('seal values into a new Secret declaration')
      .argument('<name>')
      .requiredOption('-n, --namespace <namespace>', 'namespace of the secret')
      .addOption(new Option('--type <type>', Object.keys(TYPES).join(' | ')).default('SECRET_TYPE_OPAQUE', 'opaque').argParser(choice(TYPES)))
      .addOption(new Option('--scope <scope>', Object.keys(SCOPES).join(' | ')).default('SEALING_SCOPE_STRICT', 'strict').argParser(choice(SCOPES))),
  ).action(
    action(
      async (name: string, opts: DataOptions & { namespace: string; type: SecretType; scope: SealingScope; cert?: string; repo: string; dryRun?: boolean }) => {
        const read = readSecretData(opts, { name, namespace: opts.namespace });
        if (!read.ok) return reportChange(refused([read.diagnostic]));
        const key = await sealingKey(opts.repo, opts.cert);
        if (!('publicKey' in key)) return reportChange(refused([key]));
        const outcome = await createSecret(opts.repo, {
          name,
          namespace: opts.namespace,
          type: opts.type,
          scope: opts.scope,
          data: read.data,
          key,
          dryRun: opts.dryRun,
        });
        return reportChange(outcome, opts.dryRun);
      },
    ),
  );

  dataOptions(
    secret
      .command('update')
      .description(
        'change a Secret key by key: replace (new keys are all the data), merge (only add new keys), patch (change or add the given keys, --remove-key to drop one)',
      )
      .argument('<name>')
      .requiredOption('-n, --namespace <namespace>', 'namespace of the secret')
      .addOption(new Option('--strategy <strategy>', Object.keys(STRATEGIES).join(' | ')).makeOptionMandatory().argParser(choice(STRATEGIES)))
      .option('--remove-key <key>', 'with --strategy patch: remove this key (repeatable)', collect),
  ).action(
    action(
      async (
        name: string,
        opts: DataOptions & { namespace: string; strategy: UpdateStrategy; removeKey?: string[]; cert?: string; repo: string; dryRun?: boolean },
      ) => {
        const read = readSecretData(opts, { name, namespace: opts.namespace });
        if (!read.ok) return reportChange(refused([read.diagnostic]));
        const key = await sealingKey(opts.repo, opts.cert);
        if (!('publicKey' in key)) return reportChange(refused([key]));
        const outcome = await updateSecret(opts.repo, {
          name,
          namespace: opts.namespace,
          strategy: opts.strategy,
          data: read.data,
          removeKeys: opts.removeKey,
          key,
          dryRun: opts.dryRun,
        });
        return reportChange(outcome, opts.dryRun);
      },
    ),
  );
}
