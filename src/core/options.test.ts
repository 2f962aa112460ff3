import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from './errors.js';
import {
  closestOption,
  findOptionSpec,
  isSecretOption,
  parseDuration,
  parseList,
  parseMemorySize,
  redactOptions,
  tableLocation,
  validateOptions,
  type ConnectorSpec,
} from './options.js';

const SPEC: ConnectorSpec = {
  name: 'demo',
  doc: 'A connector for tests.',
  source: { doc: 'insert-only' },
  options: [
    { name: 'hostname', type: 'string', required: true, doc: 'Host.' },
    { name: 'port', type: 'int', default: '3306', min: 1, max: 65535, doc: 'Port.' },
    { name: 'rows-per-second', type: 'long', default: '10000', min: 1, doc: 'Rate.' },
    { name: 'ratio', type: 'double', default: '0.5', doc: 'Ratio.' },
    { name: 'enabled', type: 'boolean', default: 'true', doc: 'On or off.' },
    { name: 'timeout', type: 'duration', default: '30s', doc: 'Timeout.' },
    { name: 'buffer', type: 'memory', default: '1mb', doc: 'Buffer.' },
    { name: 'scan.startup.mode', type: 'enum', choices: ['initial', 'latest-offset'], default: 'initial', doc: 'Mode.' },
    { name: 'topics', type: 'list', doc: 'Topics.' },
    { name: 'password', type: 'string', secret: true, doc: 'Password.' },
    { name: 'fields.#.kind', type: 'enum', choices: ['random', 'sequence'], default: 'random', doc: 'Kind.' },
    { name: 'fields.#.length', type: 'int', doc: 'Length.' },
    { name: 'properties.bootstrap.servers', type: 'string', doc: 'Servers.' },
    { name: 'properties.*', type: 'string', doc: 'Client properties.' },
  ],
};

const WHERE = tableLocation(['cat', 'db', 't']);

function errorOf(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StrataError, `expected a StrataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

function validate(options: Record<string, string>) {
  return validateOptions(SPEC, { connector: 'demo', hostname: 'h', ...options }, WHERE);
}

describe('validateOptions', () => {
  test('accepts declared options and the connector option, converting values', () => {
    const o = validate({
      port: '3307',
      'rows-per-second': '5',
      ratio: '0.25',
      enabled: 'FALSE',
      timeout: '10 s',
      buffer: '64kb',
      'scan.startup.mode': 'LATEST-OFFSET',
      topics: 'a; b;;c ',
      'fields.id.kind': 'sequence',
      'fields.name.length': '7',
      'properties.group.id': 'g1',
    });
    assert.equal(o.string('connector'), 'demo');
    assert.equal(o.string('hostname'), 'h');
    assert.equal(o.int('port'), 3307);
    assert.equal(o.long('rows-per-second'), 5);
    assert.equal(o.double('ratio'), 0.25);
    assert.equal(o.boolean('enabled'), false);
    assert.equal(o.duration('timeout'), 10_000);
    assert.equal(o.memory('buffer'), 65536);
    assert.equal(o.enum('scan.startup.mode'), 'latest-offset');
    assert.deepEqual(o.list('topics'), ['a', 'b', 'c']);
    assert.equal(o.enum('fields.id.kind'), 'sequence');
    assert.equal(o.int('fields.name.length'), 7);
    assert.deepEqual(o.withPrefix('properties.'), { 'group.id': 'g1' });
    assert.deepEqual(o.segments('fields.#.kind'), ['id']);
  });

  test('applies defaults without counting them as written', () => {
    const o = validate({});
    assert.equal(o.int('port'), 3306);
    assert.equal(o.has('port'), false);
    assert.equal(o.duration('timeout'), 30_000);
    assert.equal(o.memory('buffer'), 1024 * 1024);
    assert.equal(o.boolean('enabled'), true);
    assert.equal(o.enum('fields.other.kind'), 'random');
    assert.equal(o.string('password'), undefined);
    assert.equal(o.list('topics'), undefined);
  });

  test('unknown option: names the closest valid option and lists the valid ones', () => {
    const e = errorOf(() => validate({ 'rows-per-secnd': '5' }));
    assert.equal(e.code, 'CONNECTOR_OPTION');
    assert.ok(
      e.message.startsWith("unknown option 'rows-per-secnd' for connector 'demo' in table `cat`.`db`.`t`; did you mean 'rows-per-second'? valid options: "),
      e.message,
    );
    assert.ok(e.message.includes('connector, enabled, fields.#.kind'), e.message);
    assert.ok(e.message.includes('properties.*'), e.message);
  });

  test('unknown option under a pattern or prefix suggests the instantiated key', () => {
    assert.match(validateError({ 'fields.id.knd': 'random' }), /did you mean 'fields\.id\.kind'\?/);
    assert.match(validateError({ 'propertis.bootstrap.servers': 'x:9092' }), /did you mean 'properties\.bootstrap\.servers'\?/);
  });

  test('an unknown option with nothing close has no suggestion', () => {
    const msg = validateError({ 'completely-different-thing': 'x' });
    assert.ok(!msg.includes('did you mean'), msg);
    assert.ok(msg.includes('valid options:'), msg);
  });

  test('several unknown options are reported together', () => {
    const msg = validateError({ prot: '1', 'zzz-qqq': '2' });
    assert.match(msg, /^unknown options 'prot' \(did you mean 'port'\?\), 'zzz-qqq' for connector 'demo'/);
  });

  test('option keys are case-sensitive, as in Flink', () => {
    assert.match(validateError({ PORT: '1' }), /unknown option 'PORT'.*did you mean 'port'\?/);
  });

  test('missing required option', () => {
    const e = errorOf(() => validateOptions(SPEC, { connector: 'demo' }, WHERE));
    assert.equal(e.code, 'CONNECTOR_OPTION');
    assert.equal(e.message, "missing required option 'hostname' for connector 'demo' in table `cat`.`db`.`t`; add 'hostname' = '...' to the WITH clause");
  });

  test('bad int, long, double and boolean values say what was expected', () => {
    assert.equal(
      validateError({ port: 'abc' }),
      "invalid value 'abc' for option 'port' of connector 'demo' in table `cat`.`db`.`t`: expected an integer",
    );
    assert.match(validateError({ port: '1.5' }), /expected an integer/);
    assert.match(validateError({ port: '70000' }), /must be at most 65535/);
    assert.match(validateError({ port: '99999999999' }), /INT range/);
    assert.match(validateError({ 'rows-per-second': '0' }), /must be at least 1/);
    assert.match(validateError({ ratio: 'x' }), /expected a number/);
    assert.match(validateError({ ratio: '' }), /expected a number/);
    assert.match(validateError({ enabled: 'yes' }), /expected 'true' or 'false'/);
  });

  test('bad duration and memory values', () => {
    assert.match(validateError({ timeout: 'ten seconds' }), /invalid value 'ten seconds' for option 'timeout'.*expected a duration such as '500ms'/);
    assert.match(validateError({ timeout: '5 fortnights' }), /expected a duration/);
    assert.match(validateError({ timeout: '-1s' }), /expected a duration/);
    assert.match(validateError({ buffer: '5 parsecs' }), /expected a memory size/);
  });

  test('enum value not among the choices names the choices', () => {
    assert.equal(
      validateError({ 'scan.startup.mode': 'newest' }),
      "invalid value 'newest' for option 'scan.startup.mode' of connector 'demo' in table `cat`.`db`.`t`: expected one of 'initial', 'latest-offset'",
    );
  });

  test('a malformed secret value is never echoed', () => {
    const spec: ConnectorSpec = { name: 's', doc: '', options: [{ name: 'pin', type: 'int', secret: true, doc: '' }] };
    const e = errorOf(() => validateOptions(spec, { pin: 'hunter2' }, WHERE));
    assert.ok(!e.message.includes('hunter2'), e.message);
    assert.match(e.message, /invalid value for option 'pin'/);
  });

  test('reading an undeclared option or with the wrong getter is an internal error', () => {
    const o = validate({});
    assert.equal(errorOf(() => o.string('nope')).code, 'INTERNAL');
    assert.equal(errorOf(() => o.boolean('port')).code, 'INTERNAL');
  });

  test('requireString, missing and invalid build consistent errors', () => {
    const o = validate({});
    const e = errorOf(() => o.requireString('password', 'the table is read'));
    assert.equal(e.message, "missing required option 'password' for connector 'demo' in table `cat`.`db`.`t` (the table is read); add 'password' = '...' to the WITH clause");
    const i = o.invalid('port', 'is odd', 'Pick another.');
    assert.equal(i.code, 'CONNECTOR_OPTION');
    assert.equal(i.message, "invalid option 'port' for connector 'demo' in table `cat`.`db`.`t`: is odd Pick another.");
  });

  test('a format option group rejects the connector key', () => {
    const group = { name: 'json', subject: 'format', options: [{ name: 'ignore-parse-errors', type: 'boolean' as const, doc: '' }] };
    assert.equal(validateOptions(group, { 'ignore-parse-errors': 'true' }, WHERE).boolean('ignore-parse-errors'), true);
    assert.match(errorOf(() => validateOptions(group, { connector: 'x' }, WHERE)).message, /unknown option 'connector' for format 'json'/);
  });
});

function validateError(options: Record<string, string>): string {
  return errorOf(() => validate(options)).message;
}

describe('matching and parsing', () => {
  test('exact names win over patterns, and longer prefixes over shorter ones', () => {
    assert.equal(findOptionSpec(SPEC.options, 'properties.bootstrap.servers')?.name, 'properties.bootstrap.servers');
    assert.equal(findOptionSpec(SPEC.options, 'properties.group.id')?.name, 'properties.*');
    assert.equal(findOptionSpec(SPEC.options, 'properties.'), undefined);
    assert.equal(findOptionSpec(SPEC.options, 'fields..kind'), undefined);
    assert.equal(findOptionSpec(SPEC.options, 'fields.a.b.kind')?.name, 'fields.#.kind');
    assert.equal(findOptionSpec(SPEC.options, 'connector')?.name, 'connector');
  });

  test("Flink's duration syntax", () => {
    const cases: [string, number | null][] = [
      ['500ms', 500],
      ['10 s', 10_000],
      ['10s', 10_000],
      ['1min', 60_000],
      ['3 m', 180_000],
      ['2 minutes', 120_000],
      ['2h', 7_200_000],
      ['1 d', 86_400_000],
      ['100', 100],
      ['7 secs', 7000],
      ['1 SECONDS', 1000],
      ['1000us', 1],
      ['0', 0],
      ['', null],
      ['1.5s', null],
      ['s', null],
      ['1 lightyear', null],
    ];
    for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  });

  test("Flink's memory size syntax", () => {
    assert.equal(parseMemorySize('1024'), 1024);
    assert.equal(parseMemorySize('64kb'), 65536);
    assert.equal(parseMemorySize('90 mb'), 90 * 1024 * 1024);
    assert.equal(parseMemorySize('1g'), 1024 ** 3);
    assert.equal(parseMemorySize('1 bytes'), 1);
    assert.equal(parseMemorySize('1 pb'), null);
  });

  test('lists split on semicolons', () => {
    assert.deepEqual(parseList(' a ;b;; '), ['a', 'b']);
    assert.deepEqual(parseList(''), []);
  });

  test('closestOption only suggests near misses', () => {
    assert.equal(closestOption('kafkaa', ['kafka', 'datagen']), 'kafka');
    assert.equal(closestOption('xyz', ['kafka', 'datagen']), undefined);
  });
});

describe('redactOptions', () => {
  test('replaces declared secrets and sensitive-looking pass-through keys', () => {
    const shown = redactOptions(SPEC, {
      connector: 'demo',
      hostname: 'db1',
      password: 'hunter2',
      'properties.sasl.jaas.config': 'org.apache.kafka... password="x";',
      'properties.group.id': 'g',
      'debezium.database.password': 'p',
    });
    assert.deepEqual(shown, {
      connector: 'demo',
      hostname: 'db1',
      password: '******',
      'properties.sasl.jaas.config': '******',
      'properties.group.id': 'g',
      'debezium.database.password': '******',
    });
    assert.equal(isSecretOption(SPEC.options, 'password'), true);
    assert.equal(isSecretOption(SPEC.options, 'hostname'), false);
  });

  test('ValidatedOptions.redacted hides secrets too', () => {
    const o = validate({ password: 'hunter2' });
    assert.equal(o.redacted()['password'], '******');
    assert.equal(o.redacted()['hostname'], 'h');
  });
});
