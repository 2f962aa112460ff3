import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { MySqlServer } from './server.js';
import { FakeBackend } from './test-backend.js';

/**
 * The server against the stock `mariadb` command-line client (Debian package
 * mariadb-client; `mysql` is the same program). The client splits scripts at ';'
 * itself and sends one COM_QUERY per statement; `use db` is COM_INIT_DB.
 */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const haveClient = spawnSync('mariadb', ['--version'], { encoding: 'utf8' }).status === 0;

function mariadb(port: number, args: readonly string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('mariadb', ['--no-defaults', '--skip-ssl', '--protocol=TCP', '-h127.0.0.1', `-P${port}`, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** The client in interactive mode (a pseudo-terminal from `script`), as a user at a prompt. */
function mariadbInteractive(port: number, args: string, stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const cmd = `mariadb --no-defaults --skip-ssl --protocol=TCP -h127.0.0.1 -P${port} ${args}`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('MySQL server with the mariadb client', () => {
  let server: MySqlServer;
  let backend: FakeBackend;
  let port: number;
  const log: string[] = [];

  before(async () => {
    assert.ok(haveClient, 'the mariadb client is missing: apt-get install -y mariadb-client');
    backend = new FakeBackend();
    server = new MySqlServer(backend, {
      port: 0,
      log: (l) => log.push(l),
      logQueries: true,
      users: new Map([
        ['root', ''],
        ['alice', 'alice-pw'],
        ['sha', 'sha pw'],
      ]),
      userAuthPlugins: new Map([['sha', 'caching_sha2_password']]),
    });
    port = (await server.listen()).port;
  });

  after(async () => {
    await server.close();
  });

  test('-e "select 1; select \'x\'": one COM_QUERY per statement, batch output', async () => {
    const before = backend.statements.length;
    const r = await mariadb(port, ['-uroot', '-e', "select 1; select 'x'"]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '1\n1\nx\nx\n');
    assert.deepEqual(backend.statements.slice(before), ['select 1', "select 'x'"], 'the client sends nothing else in batch mode');
  });

  test('--batch output of every type', async () => {
    const r = await mariadb(port, ['-uroot', '--batch', '-e', 'select * from types']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'id\tb\tti\tsi\ti\tbi\tf\td\tdec\ts\tc\tbin\tvb\tdt\tt\tts\tts0\tts3\tn');
    const row1 = lines[1]!.split('\t');
    assert.deepEqual(row1.slice(0, 11), [
      '1',
      '1',
      '-128',
      '-32768',
      '-2147483648',
      '9007199254740993',
      '0.1',
      '0.1',
      '12345678901234.5678',
      'héllo 😀 wörld',
      'ab',
    ]);
    assert.deepEqual(row1.slice(13), ['2024-02-29', '13:45:07.123', '2024-02-29 23:59:59.123456', '2024-01-01 00:00:00', '2024-01-01 08:00:00.500', 'NULL']);
    assert.equal(row1[12], 'A\\0B', 'batch mode escapes NUL bytes');
    const row2 = lines[2]!.split('\t');
    assert.deepEqual(row2.slice(5, 9), ['9223372036854775807', '-2.5', '-1.5e300', '-0.0001']);
    assert.equal(row2[14], '-838:59:59.000');
    assert.equal(lines[3], ['3', ...Array<string>(18).fill('NULL')].join('\t'));
    assert.equal(lines.length, 5);
  });

  test('a multi-line script piped into the client; `use` is COM_INIT_DB', async () => {
    const before = backend.statements.length;
    const script = ['use demo;', 'select database();', 'select 1,', '  2;', '-- a comment', "select 'a;b';", ''].join('\n');
    const r = await mariadb(port, ['-uroot'], script);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'database()\ndemo\n1\t2\n1\t2\na;b\na;b\n');
    const sent = backend.statements.slice(before);
    assert.deepEqual(sent, ['SELECT DATABASE()', 'USE `demo`', 'select database()', 'select 1,\n  2', "select 'a;b'"]);
    assert.ok(log.some((l) => l.endsWith('init db: demo')));
  });

  test('errors: the script stops at the first, with code and SQLSTATE', async () => {
    const r = await mariadb(port, ['-uroot'], 'select 1;\nselect * from missing;\nselect 2;\n');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '1\n1\n');
    assert.match(r.stderr, /ERROR 1146 \(42S02\) at line 2: Table 'demo\.missing' doesn't exist/);
    const force = await mariadb(port, ['-uroot', '--force'], 'selec 1;\nselect boom;\nselect 2;\n');
    assert.equal(force.stdout, '2\n2\n', 'the connection survives both errors');
    assert.match(force.stderr, /ERROR 1064 \(42000\) at line 1: You have an error in your SQL syntax; /);
    assert.match(force.stderr, /ERROR 1105 \(HY000\) at line 2: internal error: kaboom/);
    const db = await mariadb(port, ['-uroot', '-e', 'use nope']);
    assert.equal(db.code, 1);
    assert.match(db.stderr, /ERROR 1049 \(42000\) at line 1: Unknown database 'nope'/);
  });

  test('passwords: mysql_native_password, caching_sha2_password via auth switch, wrong password', async () => {
    const ok = await mariadb(port, ['-ualice', '-palice-pw', '-e', 'select user()']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'user()\nalice@localhost\n');
    const sha = await mariadb(port, ['-usha', '-psha pw', '-e', 'select user()']);
    assert.equal(sha.code, 0, sha.stderr);
    assert.equal(sha.stdout, 'user()\nsha@localhost\n');
    const bad = await mariadb(port, ['-ualice', '-pwrong', '-e', 'select 1']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /ERROR 1045 \(28000\): Access denied for user 'alice'@'127\.0\.0\.1' \(using password: YES\)/);
    const none = await mariadb(port, ['-ualice', '-e', 'select 1']);
    assert.match(none.stderr, /\(using password: NO\)/);
  });

  test('interactive start-up statements (recorded for the real backend)', async () => {
    const before = backend.statements.length;
    const r = await mariadbInteractive(port, '-uroot -D demo', 'select 1;\nexit\n');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const sent = backend.statements.slice(before);
    // Tab completion reads databases, tables and each table's columns (COM_FIELD_LIST),
    // then the prompt banner asks for the version comment.
    assert.deepEqual(sent, ['show databases', 'show tables', 'select @@version_comment limit 1', 'select 1']);
    assert.ok(log.some((l) => l.endsWith('field list: types')), 'COM_FIELD_LIST answered');
    assert.match(r.stdout, /Strata/);
  });
});
