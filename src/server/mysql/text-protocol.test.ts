import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { T } from '../../core/types.js';
import { Cap } from './constants.js';
import { PacketFramer, PacketWriter, PayloadReader } from './packets.js';
import { countStatements, writeResultSetHeader, writeTextRow } from './text-protocol.js';

describe('countStatements', () => {
  test('splits at semicolons outside quotes and comments', () => {
    assert.equal(countStatements('select 1'), 1);
    assert.equal(countStatements('select 1;'), 1);
    assert.equal(countStatements('select 1; select 2'), 2);
    assert.equal(countStatements("select ';'; select \"a;b\"; select `c;d`"), 3);
    assert.equal(countStatements("select 'it''s; fine'"), 1);
    assert.equal(countStatements("select 'back\\'slash;'"), 1);
    assert.equal(countStatements('select 1 -- trailing; comment\n'), 1);
    assert.equal(countStatements('select 1 # hash; comment'), 1);
    assert.equal(countStatements('select 1 /* block; */'), 1);
    assert.equal(countStatements('select 1; -- only a comment'), 1);
    assert.equal(countStatements('select 1;;;'), 1);
    assert.equal(countStatements('select 2--1'), 1);
  });

  test('empty and comment-only texts hold no statement; executable comments do', () => {
    assert.equal(countStatements(''), 0);
    assert.equal(countStatements('  ;  '), 0);
    assert.equal(countStatements('/* ping */'), 0);
    assert.equal(countStatements('/*!40101 SET NAMES utf8 */'), 1);
    assert.equal(countStatements('/* ping */ select 1'), 1);
  });
});

describe('text result set', () => {
  test('header, EOF between definitions and rows unless CLIENT_DEPRECATE_EOF', () => {
    const cols = [{ name: 'a', type: T.int() }, { name: 'b', type: T.string() }];
    for (const deprecateEof of [false, true]) {
      const w = new PacketWriter();
      w.seq = 1;
      writeResultSetHeader(w, cols, deprecateEof, 2);
      writeTextRow(w, cols.map((c) => c.type), [7, null]);
      const f = new PacketFramer(1 << 20);
      f.push(w.take());
      const payloads: Buffer[] = [];
      for (let x = f.next(); x !== null; x = f.next()) payloads.push(x.payload);
      assert.equal(payloads.length, deprecateEof ? 4 : 5, `deprecateEof=${deprecateEof}`);
      assert.deepEqual([...payloads[0]!], [2]);
      if (!deprecateEof) assert.deepEqual([...payloads[3]!], [0xfe, 0, 0, 2, 0]);
      const row = new PayloadReader(payloads[payloads.length - 1]!);
      assert.equal(row.lenencString(), '7');
      assert.equal(row.lenencInt(), null);
    }
    assert.equal(Cap.DEPRECATE_EOF, 1 << 24);
  });
});
