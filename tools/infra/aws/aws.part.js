'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { InfraError, InfraErrorCode } = require('../infra.exception');
const { requireCommand, ensureInstalled, runStep } = require('../toolchain');
const { httpRequest, describeError } = require('../net-probe');
const { signRequest } = require('./sigv4');

const SEED_SCRIPT = path.join(__dirname, 'seed.py');

/** @param {import('../config').InfraConfig} cfg */
function venvDir(cfg) {
  return path.join(cfg.cacheDir, `moto-${cfg.versions.moto}`, 'venv');
}

/** @param {import('../config').InfraConfig} cfg */
const endpoint = (cfg) => `http://${cfg.aws.host}:${cfg.aws.port}`;

/**
 * Signed STS GetCallerIdentity: succeeds only if moto knows the key and checks signatures.
 * @param {import('../config').InfraConfig} cfg
 * @param {string} accessKeyId
 * @param {string} secretAccessKey
 * @returns {Promise<{status: number, arn: string | null}>}
 */
async function getCallerIdentity(cfg, accessKeyId, secretAccessKey) {
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const url = `${endpoint(cfg)}/`;
  const headers = signRequest({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    service: 'sts',
    region: cfg.aws.region,
    accessKeyId,
    secretAccessKey,
  });
  const response = await httpRequest({ url, method: 'POST', headers, body });
  return { status: response.status, arn: /<Arn>([^<]+)<\/Arn>/.exec(response.body)?.[1] ?? null };
}

/**
 * @param {import('../config').InfraConfig} cfg
 * @returns {Promise<import('../net-probe').ProbeResult>}
 */
async function startupProbe(cfg) {
  try {
    const { status } = await httpRequest({ url: `${endpoint(cfg)}/moto-api/`, timeoutMs: 2_000 });
    return status === 200
      ? { ok: true, detail: 'moto-api ok' }
      : { ok: false, detail: `moto-api answered ${status}` };
  } catch (error) {
    return { ok: false, detail: `moto-api failed: ${describeError(error)}` };
  }
}

/**
 * @param {import('../config').InfraConfig} cfg
 * @returns {Promise<number>} HTTP status of an S3 ListBuckets signed with a key moto does not know:
 *   403 (InvalidAccessKeyId) once IAM enforcement is on, 200 before.
 */
async function unknownKeyStatus(cfg) {
  const url = `${endpoint(cfg)}/`;
  const headers = signRequest({
    method: 'GET',
    url,
    headers: { 'x-amz-content-sha256': crypto.createHash('sha256').update('').digest('hex') },
    body: '',
    service: 's3',
    region: cfg.aws.region,
    accessKeyId: 'AKIAS3CINFRAUNKNOWN0',
    secretAccessKey: 'not-a-real-secret',
  });
  return (await httpRequest({ url, headers })).status;
}

/**
 * Checked once after switching enforcement on. moto 5.2.5 answers an unsigned request with 500, not 403
 * (KeyError on the missing Authorization header in moto/iam/access_control.py, with a traceback in the
 * log — which is why status does not repeat this check), so "refused" means "not 2xx".
 * @param {import('../config').InfraConfig} cfg
 * @returns {Promise<{enforced: boolean, detail: string}>}
 */
async function checkEnforcement(cfg) {
  const unsigned = (await httpRequest({ url: `${endpoint(cfg)}/` })).status;
  const unknown = await unknownKeyStatus(cfg);
  return {
    enforced: unknown === 403 && (unsigned < 200 || unsigned > 299),
    detail: `unsigned ListBuckets got ${unsigned}, unknown key got ${unknown}`,
  };
}

/** @param {import('../config').InfraConfig} cfg */
const credentialsFile = (cfg) => path.join(cfg.infraDir, 'aws', 'credentials.json');

/**
 * The keys this moto process was seeded with (moto keeps everything in memory: a restart or a
 * /moto-api/reset loses them, which the probe detects).
 * @param {import('../config').InfraConfig} cfg
 * @returns {Record<string, string>}
 */
function readCredentials(cfg) {
  try {
    return JSON.parse(fs.readFileSync(credentialsFile(cfg), 'utf8'));
  } catch {
    return {};
  }
}

/**
 * @param {import('../config').InfraConfig} cfg
 * @param {Record<string, string>} values
 */
function writeCredentials(cfg, values) {
  const file = credentialsFile(cfg);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * Full health: the server answers, IAM enforcement is on, and the seeded keys are still known.
 * @param {import('../config').InfraConfig} cfg
 * @returns {Promise<import('../net-probe').ProbeResult>}
 */
async function probe(cfg) {
  const alive = await startupProbe(cfg);
  if (!alive.ok) return alive;
  try {
    const unknown = await unknownKeyStatus(cfg);
    if (unknown !== 403) return { ok: false, detail: `IAM enforcement is off (unknown key got ${unknown})` };
    const seeded = readCredentials(cfg);
    if (!seeded.AWS_ACCESS_KEY_ID || !seeded.AWS_SECRET_ACCESS_KEY) {
      return { ok: false, detail: `no seeded keys in ${credentialsFile(cfg)}` };
    }
    if (seeded.AWS_REGION !== cfg.aws.region) {
      return { ok: false, detail: `seeded for ${seeded.AWS_REGION}, AWS_REGION is now ${cfg.aws.region}` };
    }
    const identity = await getCallerIdentity(cfg, seeded.AWS_ACCESS_KEY_ID, seeded.AWS_SECRET_ACCESS_KEY);
    if (identity.status !== 200) {
      return { ok: false, detail: `the seeded keys are refused (${identity.status}): moto was reset` };
    }
    return { ok: true, detail: 'IAM enforced, seeded keys valid' };
  } catch (error) {
    return { ok: false, detail: `probe failed: ${describeError(error)}` };
  }
}

/**
 * @param {import('../config').InfraConfig} cfg
 * @returns {Promise<{accountId: string, admin: {arn: string, accessKeyId: string, secretAccessKey: string}, platform: {arn: string, accessKeyId: string, secretAccessKey: string}, kms: {keyId: string}}>}
 */
function runSeed(cfg) {
  const python = path.join(venvDir(cfg), 'bin', 'python');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    S3C_AWS_ENDPOINT: endpoint(cfg),
    S3C_AWS_REGION: cfg.aws.region,
    // The caller's ~/.aws profiles (endpoints, CA bundles, SSO) must not leak into the seed.
    AWS_CONFIG_FILE: os.devNull,
    AWS_SHARED_CREDENTIALS_FILE: os.devNull,
  };
  return new Promise((resolve, reject) => {
    execFile(python, [SEED_SCRIPT], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        const tail = stderr.trim().split('\n').slice(-15).join('\n    ');
        reject(
          new InfraError(
            InfraErrorCode.SEED_FAILED,
            `Seeding moto failed (${error.message.split('\n')[0]}):\n    ${tail}`,
            {
              hint: `Run it by hand to see more: S3C_AWS_ENDPOINT=${endpoint(cfg)} S3C_AWS_REGION=${cfg.aws.region} ${python} ${SEED_SCRIPT}`,
            },
          ),
        );
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new InfraError(InfraErrorCode.SEED_FAILED, 'The moto seed script printed no JSON result.'));
      }
    });
  });
}

/** @type {import('../lifecycle').Part} */
const awsPart = {
  name: 'aws',
  envKeys: [
    'AWS_ENDPOINT_URL',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'PLATFORM_AWS_ACCESS_KEY_ID',
    'PLATFORM_AWS_SECRET_ACCESS_KEY',
    'PLATFORM_AWS_ACCOUNT_ID',
    'CREDENTIAL_BROKER_KMS_KEY_ID',
  ],

  ports: (cfg) => [{ host: cfg.aws.host, port: cfg.aws.port, variable: 'AWS_PORT' }],

  readyTimeoutMs: (cfg) => cfg.aws.readyTimeoutMs,

  // moto keeps its state in memory: nothing on disk to wipe.
  dataDirs: () => [],

  marker: (cfg) => `${path.join(venvDir(cfg), 'bin', 'moto_server')} -H ${cfg.aws.host} -p ${cfg.aws.port}`,

  async install(cfg, log) {
    const version = cfg.versions.moto;
    const hint = 'apt-get install python3 python3-venv (Python 3.10+; needed once: the venv is then cached)';
    return ensureInstalled({
      cacheDir: cfg.cacheDir,
      name: `moto-${version}`,
      // A venv's scripts carry its absolute path in their #! line, so it is built where it will live.
      relocatable: false,
      isInstalled: (dir) => fs.existsSync(path.join(dir, 'venv', 'bin', 'moto_server')),
      checkBuildTools: () =>
        requireCommand({
          command: 'python3',
          args: ['--version'],
          code: InfraErrorCode.PYTHON_MISSING,
          message: 'Installing moto needs Python 3 (python3 not found on PATH).',
          hint,
        }),
      build: async (dir, logFile) => {
        const venv = path.join(dir, 'venv');
        await runStep({
          command: 'python3',
          args: ['-m', 'venv', venv],
          logFile,
          what: 'python3 -m venv',
          hint,
        });
        await runStep({
          command: path.join(venv, 'bin', 'pip'),
          args: ['install', '-q', '--disable-pip-version-check', `moto[server]==${version}`],
          logFile,
          what: `pip install moto[server]==${version}`,
          hint: 'Check that PyPI is reachable (pip config list; PIP_INDEX_URL).',
        });
      },
      announce: `aws: installing moto ${version} into a Python venv (first run, ~55 s)...`,
      log,
    });
  },

  async prepare({ cfg }) {
    const dir = path.join(cfg.infraDir, 'aws');
    fs.mkdirSync(dir, { recursive: true });
    // Enforcement is switched on through /moto-api/reset-auth after seeding; an inherited count would
    // make moto check the seed's own unsigned requests.
    const env = { ...process.env };
    delete env.INITIAL_NO_AUTH_ACTION_COUNT;
    return {
      command: path.join(venvDir(cfg), 'bin', 'moto_server'),
      args: ['-H', cfg.aws.host, '-p', String(cfg.aws.port)],
      cwd: dir,
      env,
    };
  },

  startupProbe,
  probe,

  async afterReady(cfg, { log }) {
    log('aws: seeding IAM users local-admin and ods-platform and the KMS key alias/s3c-credential-broker...');
    const seed = await runSeed(cfg);

    const reset = await httpRequest({
      url: `${endpoint(cfg)}/moto-api/reset-auth`,
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '0',
    });
    if (reset.status !== 200) {
      throw new InfraError(
        InfraErrorCode.AUTH_NOT_ENFORCED,
        `moto refused to switch IAM enforcement on (${reset.status}).`,
      );
    }
    const enforcement = await checkEnforcement(cfg);
    if (!enforcement.enforced) {
      throw new InfraError(
        InfraErrorCode.AUTH_NOT_ENFORCED,
        `IAM enforcement is not on after /moto-api/reset-auth (${enforcement.detail}; expected the unknown key to get 403 and the unsigned request to be refused).`,
        {
          hint: 'Check the moto version (needs moto[server] 5.x) and that nothing else answers on AWS_PORT.',
        },
      );
    }
    for (const who of [seed.admin, seed.platform]) {
      const identity = await getCallerIdentity(cfg, who.accessKeyId, who.secretAccessKey);
      if (identity.status !== 200 || identity.arn !== who.arn) {
        throw new InfraError(
          InfraErrorCode.SEED_FAILED,
          `The seeded user ${who.arn} cannot call sts:GetCallerIdentity (${identity.status}).`,
        );
      }
    }
    writeCredentials(cfg, {
      AWS_REGION: cfg.aws.region,
      AWS_ACCESS_KEY_ID: seed.admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: seed.admin.secretAccessKey,
      PLATFORM_AWS_ACCESS_KEY_ID: seed.platform.accessKeyId,
      PLATFORM_AWS_SECRET_ACCESS_KEY: seed.platform.secretAccessKey,
      PLATFORM_AWS_ACCOUNT_ID: seed.accountId,
      CREDENTIAL_BROKER_KMS_KEY_ID: seed.kms.keyId,
    });
  },

  envValues: (cfg) => ({ AWS_ENDPOINT_URL: endpoint(cfg), ...readCredentials(cfg) }),
};

module.exports = { awsPart };
