import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

interface ComposeService {
  image?: string;
  build?: { args?: Record<string, string> };
  ports?: { published: string | number; target: number }[] | string[];
  environment?: Record<string, string>;
}

/**
 * Validates docker-compose.yml offline with Debian's docker-compose (`config` resolves anchors and
 * checks the schema; no engine needed), then reads the resolved file to compare it with the local defaults.
 */
function resolvedCompose(): { services: Record<string, ComposeService> } {
  const yaml = execFileSync('docker-compose', ['-f', path.join(ROOT, 'docker-compose.yml'), 'config'], { cwd: ROOT, encoding: 'utf8' });
  const json = execFileSync('/usr/bin/python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
    input: yaml,
    encoding: 'utf8',
  });
  return JSON.parse(json) as { services: Record<string, ComposeService> };
}

function publishedPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) => Number(typeof port === 'string' ? port.split(':')[0] : port.published));
}

describe('docker-compose.yml', () => {
  const { services } = resolvedCompose();

  it('should describe Kafka, MongoDB, moto and the three apps', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['aws', 'aws-seed', 'connections', 'credential-broker', 'dataset-import', 'kafka', 'mongodb'].sort(),
    );
    expect(services.aws.image).toBe('motoserver/moto:5.2.5');
  });

  it('should publish the same ports as the local defaults', () => {
    expect(publishedPorts(services.connections)).toEqual([3000]);
    expect(publishedPorts(services['dataset-import'])).toEqual([3001]);
    expect(publishedPorts(services['credential-broker'])).toEqual([3002]);
    expect(publishedPorts(services.kafka)).toEqual([9092]);
    expect(publishedPorts(services.mongodb)).toEqual([27017]);
    expect(publishedPorts(services.aws)).toEqual([4566]);
  });

  it.each(['connections', 'credential-broker', 'dataset-import'])('should build %s from the repository Dockerfile with the shared variables', (app) => {
    expect(services[app].build?.args).toEqual({ APP: app });
    expect(Object.keys(services[app].environment ?? {})).toEqual(
      expect.arrayContaining(['KAFKA_BROKERS', 'MONGODB_URI', 'AWS_ENDPOINT_URL', 'AWS_REGION']),
    );
  });
});
