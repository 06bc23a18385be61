'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { InfraErrorCode } = require('../infra.exception');
const { requireCommand, requireJava17, ensureInstalled, runStep } = require('../toolchain');
const { tcpExchange, describeError } = require('../net-probe');

// Any fixed 22-character base64url UUID: one cluster id per data dir, so a restart finds its own data.
const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qk';

const JVM_OPTIONS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  // C1 only: less JIT work during start-up on small machines; a test broker never needs C2's peak speed.
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
  '-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info',
];

const API_VERSIONS_KEY = 18;

/** @param {import('../config').InfraConfig} cfg */
function files(cfg) {
  const dir = path.join(cfg.infraDir, 'kafka');
  return { dir, dataDir: path.join(dir, 'data'), propertiesFile: path.join(dir, 'server.properties') };
}

/** @param {import('../config').InfraConfig} cfg */
function serverProperties(cfg) {
  const { host, port, controllerPort } = cfg.kafka;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    // Static voters: works without --standalone at format time and keeps one recipe for Kafka 3.9 and 4.x.
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${files(cfg).dataDir}`,
    'num.partitions=1',
    'auto.create.topics.enable=true',
    'offsets.topic.replication.factor=1',
    // One partition instead of 50: the first consumer group joins in a fraction of the time.
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/**
 * Kafka ApiVersions v0 over a raw socket: proves the broker speaks the protocol, not just that a port is open.
 * @param {import('../config').InfraConfig} cfg
 * @returns {Promise<import('../net-probe').ProbeResult>}
 */
async function probe(cfg) {
  const clientId = Buffer.from('s3c-infra-probe');
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  const request = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
  let offset = request.writeInt32BE(request.length - 4, 0);
  offset = request.writeInt16BE(API_VERSIONS_KEY, offset);
  offset = request.writeInt16BE(0, offset);
  offset = request.writeInt32BE(correlationId, offset);
  offset = request.writeInt16BE(clientId.length, offset);
  clientId.copy(request, offset);
  try {
    const reply = await tcpExchange({
      host: cfg.kafka.host,
      port: cfg.kafka.port,
      request,
      isComplete: (received) => received.length >= 4 && received.length >= 4 + received.readInt32BE(0),
    });
    // Response header v0 (correlation id only), then error_code int16 and the api_keys array.
    if (reply.length < 10 || reply.readInt32BE(4) !== correlationId) {
      return { ok: false, detail: 'ApiVersions reply has a wrong correlation id' };
    }
    const errorCode = reply.readInt16BE(8);
    if (errorCode !== 0) return { ok: false, detail: `ApiVersions answered error code ${errorCode}` };
    return { ok: true, detail: `ApiVersions ok (${reply.readInt32BE(10)} APIs)` };
  } catch (error) {
    return { ok: false, detail: `ApiVersions failed: ${describeError(error)}` };
  }
}

/** @type {import('../lifecycle').Part} */
const kafkaPart = {
  name: 'kafka',
  envKeys: ['KAFKA_BROKERS'],

  ports: (cfg) => [
    { host: cfg.kafka.host, port: cfg.kafka.port, variable: 'KAFKA_PORT' },
    { host: cfg.kafka.host, port: cfg.kafka.controllerPort, variable: 'KAFKA_CONTROLLER_PORT' },
  ],

  readyTimeoutMs: (cfg) => cfg.kafka.readyTimeoutMs,

  dataDirs: (cfg) => [files(cfg).dataDir],

  marker: (cfg) => `kafka.Kafka ${files(cfg).propertiesFile}`,

  async install(cfg, log) {
    requireJava17();
    const version = cfg.versions.kafka;
    return ensureInstalled({
      cacheDir: cfg.cacheDir,
      name: `kafka-${version}`,
      relocatable: true,
      isInstalled: (dir) => fs.existsSync(path.join(dir, 'libs', `kafka_2.13-${version}.jar`)),
      checkBuildTools: () =>
        requireCommand({
          command: 'mvn',
          args: ['-v'],
          code: InfraErrorCode.MAVEN_MISSING,
          message: 'Installing Kafka needs Maven (mvn not found on PATH).',
          hint: 'apt-get install maven (needed once: the jars are then cached)',
        }),
      build: (dir, logFile) =>
        runStep({
          command: 'mvn',
          args: [
            '-B',
            '-q',
            '-f',
            path.join(__dirname, 'pom.xml'),
            'dependency:copy-dependencies',
            `-Dkafka.version=${version}`,
            `-DoutputDirectory=${path.join(dir, 'libs')}`,
            '-DincludeScope=runtime',
          ],
          logFile,
          what: `Maven download of Kafka ${version} jars`,
          hint: 'Check that Maven Central is reachable (proxy settings in ~/.m2/settings.xml).',
        }),
      announce: `kafka: installing Kafka ${version} jars from Maven Central (first run, ~15 s)...`,
      log,
    });
  },

  async prepare({ cfg, installDir, logFile, log }) {
    const { dir, dataDir, propertiesFile } = files(cfg);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(propertiesFile, serverProperties(cfg));
    const classpath = `${path.join(installDir, 'libs')}/*`;
    if (!fs.existsSync(path.join(dataDir, 'meta.properties'))) {
      log('kafka: formatting the storage directory (first start)...');
      await runStep({
        command: 'java',
        args: [
          ...JVM_OPTIONS,
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          CLUSTER_ID,
          '-c',
          propertiesFile,
          '--ignore-formatted',
        ],
        cwd: dir,
        logFile,
        what: 'Kafka storage format',
        hint: `If ${dataDir} holds data of another cluster, wipe it: node tools/infra/cli.js down kafka --wipe`,
        code: InfraErrorCode.START_FAILED,
      });
    }
    return {
      command: 'java',
      args: [...JVM_OPTIONS, '-cp', classpath, 'kafka.Kafka', propertiesFile],
      cwd: dir,
      env: process.env,
    };
  },

  readyLogPattern: /Kafka Server started/,

  startupProbe: probe,
  probe,

  envValues: (cfg) => ({ KAFKA_BROKERS: `${cfg.kafka.host}:${cfg.kafka.port}` }),
};

module.exports = { kafkaPart };
