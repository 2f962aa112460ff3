/**
 * The Nexmark queries as Flink SQL, from nexmark/nexmark
 * `nexmark-flink/src/main/resources/queries/`, adapted to what Strata runs today:
 * no windows, no watermarks, and the three streams as three tables (`person`,
 * `auction`, `bid`) instead of views over one `nexmark` table. Each query writes into a
 * sink table `nexmark_<name>` whose columns are given here; the runner picks the sink's
 * connector (`blackhole` when timing, `values` when checking results).
 */
import { AUCTION_COLUMNS, BID_COLUMNS, PERSON_COLUMNS } from './generator.js';

export type QueryName = 'q0' | 'q1' | 'q2' | 'q3' | 'q4' | 'q8' | 'q15' | 'q17';
export type QueryClass = 'stateless' | 'join' | 'aggregate';
export type TableName = 'person' | 'auction' | 'bid';

export interface NexmarkQuery {
  readonly name: QueryName;
  readonly title: string;
  readonly class: QueryClass;
  /** The tables the query reads. */
  readonly tables: readonly TableName[];
  /** Column definitions of the sink table, e.g. `auction BIGINT, price BIGINT`. */
  readonly sinkColumns: string;
  /** The query, without `INSERT INTO`. */
  readonly select: string;
  /** How it differs from the canonical Nexmark query (empty when it does not). */
  readonly adaptation: string;
}

/** Throughput targets per query class, in events per second per core. */
export const TARGETS: Readonly<Record<QueryClass, number>> = {
  stateless: 450_000,
  join: 300_000,
  aggregate: 200_000,
};

/** Strata must also beat the peer by this factor. */
export const PEER_FACTOR_TARGET = 10;

export const QUERIES: readonly NexmarkQuery[] = [
  {
    name: 'q0',
    title: 'pass-through',
    class: 'stateless',
    tables: ['bid'],
    sinkColumns: 'auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra VARCHAR',
    select: 'SELECT auction, bidder, price, dateTime, extra FROM bid',
    adaptation: '',
  },
  {
    name: 'q1',
    title: 'currency conversion',
    class: 'stateless',
    tables: ['bid'],
    sinkColumns: 'auction BIGINT, bidder BIGINT, price DECIMAL(23, 3), dateTime TIMESTAMP(3), extra VARCHAR',
    select: 'SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid',
    adaptation: 'dateTime instead of customTime (a computed column of newer Nexmark versions)',
  },
  {
    name: 'q2',
    title: 'selection',
    class: 'stateless',
    tables: ['bid'],
    sinkColumns: 'auction BIGINT, price BIGINT',
    select: 'SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0',
    adaptation: '',
  },
  {
    name: 'q3',
    title: 'local item suggestion',
    class: 'join',
    tables: ['person', 'auction'],
    sinkColumns: 'name VARCHAR, city VARCHAR, state VARCHAR, id BIGINT',
    select:
      'SELECT P.name, P.city, P.state, A.id\n' +
      'FROM auction AS A INNER JOIN person AS P ON A.seller = P.id\n' +
      "WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')",
    adaptation: '',
  },
  {
    name: 'q4',
    title: 'average price per category',
    class: 'aggregate',
    tables: ['auction', 'bid'],
    sinkColumns: 'id BIGINT, final BIGINT',
    select:
      'SELECT Q.category, AVG(Q.final)\n' +
      'FROM (\n' +
      '  SELECT MAX(B.price) AS final, A.category\n' +
      '  FROM auction A, bid B\n' +
      '  WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires\n' +
      '  GROUP BY A.id, A.category\n' +
      ') Q\n' +
      'GROUP BY Q.category',
    adaptation:
      'without event time every auction counts as closed with its current maximum: each new maximum retracts through the ' +
      'outer AVG (the comma join is written as in Nexmark; the optimizer turns its WHERE into the join condition)',
  },
  {
    name: 'q8',
    title: 'new users (join without windows)',
    class: 'join',
    tables: ['person', 'auction'],
    sinkColumns: 'id BIGINT, name VARCHAR, stime TIMESTAMP(3)',
    select: 'SELECT P.id, P.name, P.dateTime AS stime\nFROM person AS P INNER JOIN auction AS A ON P.id = A.seller',
    adaptation:
      'the 10-second TUMBLE windows and their GROUP BY are dropped: a plain insert-only join of person and auction on id = seller (one row per auction whose seller is known)',
  },
  {
    name: 'q15',
    title: 'bidding statistics per day',
    class: 'aggregate',
    tables: ['bid'],
    sinkColumns:
      '`day` VARCHAR, total_bids BIGINT, rank1_bids BIGINT, rank2_bids BIGINT, rank3_bids BIGINT, ' +
      'total_bidders BIGINT, rank1_bidders BIGINT, rank2_bidders BIGINT, rank3_bidders BIGINT, ' +
      'total_auctions BIGINT, rank1_auctions BIGINT, rank2_auctions BIGINT, rank3_auctions BIGINT',
    select:
      "SELECT DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS `day`,\n" +
      '  COUNT(*) AS total_bids,\n' +
      '  COUNT(*) FILTER (WHERE price < 10000) AS rank1_bids,\n' +
      '  COUNT(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,\n' +
      '  COUNT(*) FILTER (WHERE price >= 1000000) AS rank3_bids,\n' +
      '  COUNT(DISTINCT bidder) AS total_bidders,\n' +
      '  COUNT(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders,\n' +
      '  COUNT(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bidders,\n' +
      '  COUNT(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders,\n' +
      '  COUNT(DISTINCT auction) AS total_auctions,\n' +
      '  COUNT(DISTINCT auction) FILTER (WHERE price < 10000) AS rank1_auctions,\n' +
      '  COUNT(DISTINCT auction) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_auctions,\n' +
      '  COUNT(DISTINCT auction) FILTER (WHERE price >= 1000000) AS rank3_auctions\n' +
      'FROM bid\n' +
      "GROUP BY DATE_FORMAT(dateTime, 'yyyy-MM-dd')",
    adaptation: 'dateTime instead of customTime',
  },
  {
    name: 'q17',
    title: 'auction statistics per day',
    class: 'aggregate',
    tables: ['bid'],
    sinkColumns:
      'auction BIGINT, `day` VARCHAR, total_bids BIGINT, rank1_bids BIGINT, rank2_bids BIGINT, rank3_bids BIGINT, ' +
      'min_price BIGINT, max_price BIGINT, avg_price BIGINT, sum_price BIGINT',
    select:
      'SELECT auction,\n' +
      "  DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS `day`,\n" +
      '  COUNT(*) AS total_bids,\n' +
      '  COUNT(*) FILTER (WHERE price < 10000) AS rank1_bids,\n' +
      '  COUNT(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,\n' +
      '  COUNT(*) FILTER (WHERE price >= 1000000) AS rank3_bids,\n' +
      '  MIN(price) AS min_price,\n' +
      '  MAX(price) AS max_price,\n' +
      '  AVG(price) AS avg_price,\n' +
      '  SUM(price) AS sum_price\n' +
      'FROM bid\n' +
      "GROUP BY auction, DATE_FORMAT(dateTime, 'yyyy-MM-dd')",
    adaptation: '',
  },
];

export function findQuery(name: string): NexmarkQuery | undefined {
  return QUERIES.find((q) => q.name === name.toLowerCase());
}

const COLUMNS: Readonly<Record<TableName, readonly (readonly [string, string])[]>> = {
  person: PERSON_COLUMNS,
  auction: AUCTION_COLUMNS,
  bid: BID_COLUMNS,
};

/** `CREATE TABLE <table> (...) WITH ('connector' = 'values', 'data-id' = <dataId>)`. */
export function sourceDdl(table: TableName, dataId: string): string {
  const cols = COLUMNS[table].map(([n, t]) => `  ${n} ${t}`).join(',\n');
  return `CREATE TABLE ${table} (\n${cols}\n) WITH (\n  'connector' = 'values',\n  'data-id' = '${dataId}'\n);`;
}

/** The sink table and the INSERT of a query; `withClause` is the sink's options, e.g. `'connector' = 'blackhole'`. */
export function queryScript(q: NexmarkQuery, withClause: string): string {
  return `CREATE TABLE nexmark_${q.name} (${q.sinkColumns}) WITH (${withClause});\n\nINSERT INTO nexmark_${q.name}\n${q.select};`;
}
