/**
 * Golden translation tests: a MySQL-syntax query (as a MySQL client sends it to the
 * warehouse), the DuckDB SQL it translates to, and its result when run against a real
 * DuckDbWarehouse in memory (rows as the mysql client prints them: ` | ` between values,
 * NULL, booleans as 1 / 0). The session's time zone is UTC.
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { frontFixture, rowsText, type FrontFixture } from '../../src/store/starrocks/test-support.js';

const SETUP = `
CREATE DATABASE shop;
USE shop;
CREATE TABLE orders (
  order_id INT NOT NULL,
  customer_id INT NOT NULL,
  amount DECIMAL(10,2),
  region VARCHAR(20),
  note STRING,
  created DATETIME,
  day DATE
) PRIMARY KEY(order_id) DISTRIBUTED BY HASH(order_id) BUCKETS 1;
CREATE TABLE customers (customer_id INT NOT NULL, name STRING, age INT) PRIMARY KEY(customer_id);
INSERT INTO orders VALUES
  (1, 1, 10.50, 'beijing', 'first', '2024-01-05 10:11:12', '2024-01-05'),
  (2, 1, 20.00, 'beijing', NULL, '2024-01-06 08:00:00', '2024-01-06'),
  (3, 2, 5.25, 'shanghai', 'x%y', '2024-02-01 23:59:59', '2024-02-01'),
  (4, 3, NULL, NULL, 'héllo', NULL, NULL);
INSERT INTO customers VALUES (1, 'alice', 30), (2, 'bob', NULL), (5, 'carol', 41);
`;

interface Case {
  readonly sql: string;
  /** The DuckDB SQL of the translation, exactly. */
  readonly duck: string;
  /** The result's column names (MySQL's names: aliases, columns, or the item's text). */
  readonly columns: readonly string[];
  readonly rows: readonly string[];
}

const CASES: readonly Case[] = [
  {
    sql: "select `order_id`, `region` from `orders` where `order_id` = 1",
    duck: "SELECT \"order_id\", \"region\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["order_id", "region"],
    rows: ["1 | beijing"],
  },
  {
    sql: "select o.order_id from shop.orders o where o.order_id = 2",
    duck: "SELECT \"o\".\"order_id\" FROM \"shop\".\"orders\" AS \"o\" WHERE (\"o\".\"order_id\" = 2)",
    columns: ["order_id"],
    rows: ["2"],
  },
  {
    sql: "select order_id from orders order by order_id limit 1, 2",
    duck: "SELECT \"order_id\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"order_id\" ASC NULLS FIRST LIMIT 2 OFFSET 1",
    columns: ["order_id"],
    rows: ["2", "3"],
  },
  {
    sql: "select order_id from orders order by order_id limit 2 offset 1",
    duck: "SELECT \"order_id\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"order_id\" ASC NULLS FIRST LIMIT 2 OFFSET 1",
    columns: ["order_id"],
    rows: ["2", "3"],
  },
  {
    sql: "select order_id, ifnull(region, 'unknown') from orders order by order_id",
    duck: "SELECT \"order_id\", COALESCE(\"region\", 'unknown') AS \"ifnull(region, 'unknown')\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "ifnull(region, 'unknown')"],
    rows: ["1 | beijing", "2 | beijing", "3 | shanghai", "4 | unknown"],
  },
  {
    sql: "select order_id, if(amount > 10, 'big', 'small') as size from orders order by order_id",
    duck: "SELECT \"order_id\", (CASE WHEN (\"amount\" > 10) THEN 'big' ELSE 'small' END) AS \"size\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "size"],
    rows: ["1 | big", "2 | big", "3 | small", "4 | small"],
  },
  {
    sql: "select date_format(created, '%Y-%m-%d %H:%i:%s') from orders where order_id = 1",
    duck: "SELECT strftime(CAST(\"created\" AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS \"date_format(created, '%Y-%m-%d %H:%i:%s')\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["date_format(created, '%Y-%m-%d %H:%i:%s')"],
    rows: ["2024-01-05 10:11:12"],
  },
  {
    sql: "select date_format(created, '%e/%c/%y %W %M %h:%i %p %j') from orders where order_id = 3",
    duck: "SELECT strftime(CAST(\"created\" AS TIMESTAMP), '%-d/%-m/%y %A %B %I:%M %p %j') AS \"date_format(created, '%e/%c/%y %W %M %h:%i %p %j')\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 3)",
    columns: ["date_format(created, '%e/%c/%y %W %M %h:%i %p %j')"],
    rows: ["1/2/24 Thursday February 11:59 PM 032"],
  },
  {
    sql: "select order_id, concat(region, '-', note) from orders order by order_id",
    duck: "SELECT \"order_id\", (CAST(\"region\" AS VARCHAR) || '-' || CAST(\"note\" AS VARCHAR)) AS \"concat(region, '-', note)\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "concat(region, '-', note)"],
    rows: ["1 | beijing-first", "2 | NULL", "3 | shanghai-x%y", "4 | NULL"],
  },
  {
    sql: "select order_id, concat_ws('/', region, note, order_id) from orders order by order_id",
    duck: "SELECT \"order_id\", concat_ws('/', CAST(\"region\" AS VARCHAR), CAST(\"note\" AS VARCHAR), CAST(\"order_id\" AS VARCHAR)) AS \"concat_ws('/', region, note, order_id)\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "concat_ws('/', region, note, order_id)"],
    rows: ["1 | beijing/first/1", "2 | beijing/2", "3 | shanghai/x%y/3", "4 | héllo/4"],
  },
  {
    sql: "select now() = current_timestamp, now() > '2020-01-01', current_timestamp() >= now()",
    duck: "SELECT (date_trunc('second', timezone('UTC', now())) = date_trunc('second', timezone('UTC', now()))) AS \"now() = current_timestamp\", (date_trunc('second', timezone('UTC', now())) > '2020-01-01') AS \"now() > '2020-01-01'\", (date_trunc('second', timezone('UTC', now())) >= date_trunc('second', timezone('UTC', now()))) AS \"current_timestamp() >= now()\"",
    columns: ["now() = current_timestamp", "now() > '2020-01-01'", "current_timestamp() >= now()"],
    rows: ["1 | 1 | 1"],
  },
  {
    sql: "select curdate() = current_date(), curdate() > '2020-01-01', date(now()) = curdate()",
    duck: "SELECT (CAST(timezone('UTC', now()) AS DATE) = CAST(timezone('UTC', now()) AS DATE)) AS \"curdate() = current_date()\", (CAST(timezone('UTC', now()) AS DATE) > '2020-01-01') AS \"curdate() > '2020-01-01'\", (TRY_CAST(date_trunc('second', timezone('UTC', now())) AS DATE) = CAST(timezone('UTC', now()) AS DATE)) AS \"date(now()) = curdate()\"",
    columns: ["curdate() = current_date()", "curdate() > '2020-01-01'", "date(now()) = curdate()"],
    rows: ["1 | 1 | 1"],
  },
  {
    sql: "select unix_timestamp('2024-01-01 00:00:00'), unix_timestamp(created) from orders where order_id = 1",
    duck: "SELECT CAST(epoch(timezone('UTC', CAST(TRY_CAST('2024-01-01 00:00:00' AS TIMESTAMP) AS TIMESTAMP))) AS BIGINT) AS \"unix_timestamp('2024-01-01 00:00:00')\", CAST(epoch(timezone('UTC', CAST(\"created\" AS TIMESTAMP))) AS BIGINT) AS \"unix_timestamp(created)\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["unix_timestamp('2024-01-01 00:00:00')", "unix_timestamp(created)"],
    rows: ["1704067200 | 1704449472"],
  },
  {
    sql: "select from_unixtime(0), from_unixtime(86400, '%Y-%m-%d'), unix_timestamp() > 1700000000",
    duck: "SELECT timezone('UTC', to_timestamp(0)) AS \"from_unixtime(0)\", strftime(timezone('UTC', to_timestamp(86400)), '%Y-%m-%d') AS \"from_unixtime(86400, '%Y-%m-%d')\", (CAST(epoch(now()) AS BIGINT) > 1700000000) AS \"unix_timestamp() > 1700000000\"",
    columns: ["from_unixtime(0)", "from_unixtime(86400, '%Y-%m-%d')", "unix_timestamp() > 1700000000"],
    rows: ["1970-01-01 00:00:00 | 1970-01-02 | 1"],
  },
  {
    sql: "select cast('42' as signed), cast(amount as unsigned), cast(-1.6 as signed) from orders where order_id = 1",
    duck: "SELECT TRY_CAST('42' AS BIGINT) AS \"cast('42' as signed)\", TRY_CAST(\"amount\" AS UBIGINT) AS \"cast(amount as unsigned)\", TRY_CAST((- 1.6) AS BIGINT) AS \"cast(-1.6 as signed)\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["cast('42' as signed)", "cast(amount as unsigned)", "cast(-1.6 as signed)"],
    rows: ["42 | 11 | -2"],
  },
  {
    sql: "select cast(order_id as char), cast(region as char(3)) from orders where order_id = 3",
    duck: "SELECT TRY_CAST(\"order_id\" AS VARCHAR) AS \"cast(order_id as char)\", left(TRY_CAST(\"region\" AS VARCHAR), 3) AS \"cast(region as char(3))\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 3)",
    columns: ["cast(order_id as char)", "cast(region as char(3))"],
    rows: ["3 | sha"],
  },
  {
    sql: "select cast('3.14159' as decimal(5,2)), cast(amount as decimal(10,1)) from orders where order_id = 1",
    duck: "SELECT TRY_CAST('3.14159' AS DECIMAL(5, 2)) AS \"cast('3.14159' as decimal(5,2))\", TRY_CAST(\"amount\" AS DECIMAL(10, 1)) AS \"cast(amount as decimal(10,1))\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["cast('3.14159' as decimal(5,2))", "cast(amount as decimal(10,1))"],
    rows: ["3.14 | 10.5"],
  },
  {
    sql: "select cast('2024-01-05' as datetime), cast(created as date), cast('2024-01-05 10:11:12' as date) from orders where order_id = 1",
    duck: "SELECT TRY_CAST('2024-01-05' AS TIMESTAMP) AS \"cast('2024-01-05' as datetime)\", TRY_CAST(\"created\" AS DATE) AS \"cast(created as date)\", TRY_CAST('2024-01-05 10:11:12' AS DATE) AS \"cast('2024-01-05 10:11:12' as date)\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["cast('2024-01-05' as datetime)", "cast(created as date)", "cast('2024-01-05 10:11:12' as date)"],
    rows: ["2024-01-05 00:00:00 | 2024-01-05 | 2024-01-05"],
  },
  {
    sql: "select cast('abc' as signed), cast('2024-13-45' as date)",
    duck: "SELECT TRY_CAST('abc' AS BIGINT) AS \"cast('abc' as signed)\", TRY_CAST('2024-13-45' AS DATE) AS \"cast('2024-13-45' as date)\"",
    columns: ["cast('abc' as signed)", "cast('2024-13-45' as date)"],
    rows: ["NULL | NULL"],
  },
  {
    sql: "select 7 div 2, -7 div 2, 7 mod 3, mod(-7, 3), 7 % 3",
    duck: "SELECT CAST(trunc(7 / NULLIF(2, 0)) AS BIGINT) AS \"7 div 2\", CAST(trunc((- 7) / NULLIF(2, 0)) AS BIGINT) AS \"-7 div 2\", (7 % 3) AS \"7 mod 3\", ((- 7) % 3) AS \"mod(-7, 3)\", (7 % 3) AS \"7 % 3\"",
    columns: ["7 div 2", "-7 div 2", "7 mod 3", "mod(-7, 3)", "7 % 3"],
    rows: ["3 | -3 | 1 | -1 | 1"],
  },
  {
    sql: "select 1 / 0, 5 / 2, 1 % 0",
    duck: "SELECT (1 / NULLIF(0, 0)) AS \"1 / 0\", (5 / 2) AS \"5 / 2\", (1 % 0) AS \"1 % 0\"",
    columns: ["1 / 0", "5 / 2", "1 % 0"],
    rows: ["NULL | 2.5 | NULL"],
  },
  {
    sql: "select substring('hello', 2, 3), substr('hello', 2), substring('hello' from 2 for 2), substring('hello', -3)",
    duck: "SELECT substring('hello', 2, 3) AS \"substring('hello', 2, 3)\", substring('hello', 2) AS \"substr('hello', 2)\", substring('hello', 2, 2) AS \"substring('hello' from 2 for 2)\", substring('hello', (- 3)) AS \"substring('hello', -3)\"",
    columns: ["substring('hello', 2, 3)", "substr('hello', 2)", "substring('hello' from 2 for 2)", "substring('hello', -3)"],
    rows: ["ell | ello | el | llo"],
  },
  {
    sql: "select locate('l', 'hello'), locate('l', 'hello', 4), instr('hello', 'lo'), position('e' in 'hello'), locate('z', 'hello')",
    duck: "SELECT instr('hello', 'l') AS \"locate('l', 'hello')\", (CASE WHEN instr(substring('hello', 4), 'l') = 0 THEN 0 ELSE instr(substring('hello', 4), 'l') + 4 - 1 END) AS \"locate('l', 'hello', 4)\", instr('hello', 'lo') AS \"instr('hello', 'lo')\", instr('hello', 'e') AS \"position('e' in 'hello')\", instr('hello', 'z') AS \"locate('z', 'hello')\"",
    columns: ["locate('l', 'hello')", "locate('l', 'hello', 4)", "instr('hello', 'lo')", "position('e' in 'hello')", "locate('z', 'hello')"],
    rows: ["3 | 4 | 4 | 2 | 0"],
  },
  {
    sql: "select left('hello', 2), right('hello', 3), lpad('7', 3, '0'), rpad('ab', 4, '.'), lpad('hello', 2, 'x')",
    duck: "SELECT left('hello', 2) AS \"left('hello', 2)\", right('hello', 3) AS \"right('hello', 3)\", lpad('7', 3, '0') AS \"lpad('7', 3, '0')\", rpad('ab', 4, '.') AS \"rpad('ab', 4, '.')\", lpad('hello', 2, 'x') AS \"lpad('hello', 2, 'x')\"",
    columns: ["left('hello', 2)", "right('hello', 3)", "lpad('7', 3, '0')", "rpad('ab', 4, '.')", "lpad('hello', 2, 'x')"],
    rows: ["he | llo | 007 | ab.. | he"],
  },
  {
    sql: "select replace('a-b-c', '-', '+'), upper('abc'), ucase('x'), lower('ABC'), trim('  a  '), trim(leading 'x' from 'xxaxx'), trim(trailing 'x' from 'xxaxx'), ltrim('  a'), rtrim('a  ')",
    duck: "SELECT replace('a-b-c', '-', '+') AS \"replace('a-b-c', '-', '+')\", upper('abc') AS \"upper('abc')\", upper('x') AS \"ucase('x')\", lower('ABC') AS \"lower('ABC')\", trim('  a  ') AS \"trim('  a  ')\", ltrim('xxaxx', 'x') AS \"trim(leading 'x' from 'xxaxx')\", rtrim('xxaxx', 'x') AS \"trim(trailing 'x' from 'xxaxx')\", ltrim('  a') AS \"ltrim('  a')\", rtrim('a  ') AS \"rtrim('a  ')\"",
    columns: ["replace('a-b-c', '-', '+')", "upper('abc')", "ucase('x')", "lower('ABC')", "trim('  a  ')", "trim(leading 'x' from 'xxaxx')", "trim(trailing 'x' from 'xxaxx')", "ltrim('  a')", "rtrim('a  ')"],
    rows: ["a+b+c | ABC | X | abc | a | axx | xxa | a | a"],
  },
  {
    sql: "select note, length(note), char_length(note) from orders where order_id in (1, 4) order by order_id",
    duck: "SELECT \"note\", strlen(CAST(\"note\" AS VARCHAR)) AS \"length(note)\", length(CAST(\"note\" AS VARCHAR)) AS \"char_length(note)\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" IN (1, 4)) ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["note", "length(note)", "char_length(note)"],
    rows: ["first | 5 | 5", "héllo | 6 | 5"],
  },
  {
    sql: "select customer_id, group_concat(distinct region), length(group_concat(order_id separator ';')) from orders group by customer_id order by customer_id",
    duck: "SELECT \"customer_id\", string_agg(DISTINCT CAST(\"region\" AS VARCHAR), ',') AS \"group_concat(distinct region)\", strlen(CAST(string_agg(CAST(\"order_id\" AS VARCHAR), ';') AS VARCHAR)) AS \"length(group_concat(order_id separator ';'))\" FROM \"shop\".\"orders\" AS \"orders\" GROUP BY \"customer_id\" ORDER BY \"customer_id\" ASC NULLS FIRST",
    columns: ["customer_id", "group_concat(distinct region)", "length(group_concat(order_id separator ';'))"],
    rows: ["1 | beijing | 3", "2 | shanghai | 1", "3 | NULL | 1"],
  },
  {
    sql: "select count(*), count(region), count(distinct region), sum(amount), avg(amount), min(amount), max(created) from orders",
    duck: "SELECT count(*) AS \"count(*)\", count(\"region\") AS \"count(region)\", count(DISTINCT \"region\") AS \"count(distinct region)\", sum(\"amount\") AS \"sum(amount)\", avg(\"amount\") AS \"avg(amount)\", min(\"amount\") AS \"min(amount)\", max(\"created\") AS \"max(created)\" FROM \"shop\".\"orders\" AS \"orders\"",
    columns: ["count(*)", "count(region)", "count(distinct region)", "sum(amount)", "avg(amount)", "min(amount)", "max(created)"],
    rows: ["4 | 3 | 2 | 35.75 | 11.916666666666666 | 5.25 | 2024-02-01 23:59:59"],
  },
  {
    sql: "select region, count(*) as n, sum(amount) from orders group by region having count(*) >= 1 order by n desc, region",
    duck: "SELECT \"region\", count(*) AS \"n\", sum(\"amount\") AS \"sum(amount)\" FROM \"shop\".\"orders\" AS \"orders\" GROUP BY \"region\" HAVING (count(*) >= 1) ORDER BY \"n\" DESC NULLS LAST, \"region\" ASC NULLS FIRST",
    columns: ["region", "n", "sum(amount)"],
    rows: ["beijing | 2 | 30.50", "NULL | 1 | NULL", "shanghai | 1 | 5.25"],
  },
  {
    sql: "select count(distinct customer_id, region) from orders",
    duck: "SELECT count(DISTINCT CASE WHEN \"customer_id\" IS NOT NULL AND \"region\" IS NOT NULL THEN row(\"customer_id\", \"region\") END) AS \"count(distinct customer_id, region)\" FROM \"shop\".\"orders\" AS \"orders\"",
    columns: ["count(distinct customer_id, region)"],
    rows: ["2"],
  },
  {
    sql: "select o.order_id, c.name from orders o join customers c on o.customer_id = c.customer_id order by o.order_id",
    duck: "SELECT \"o\".\"order_id\", \"c\".\"name\" FROM \"shop\".\"orders\" AS \"o\" JOIN \"shop\".\"customers\" AS \"c\" ON (\"o\".\"customer_id\" = \"c\".\"customer_id\") ORDER BY \"o\".\"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "name"],
    rows: ["1 | alice", "2 | alice", "3 | bob"],
  },
  {
    sql: "select o.order_id, c.name from orders o left join customers c on o.customer_id = c.customer_id where c.name is null",
    duck: "SELECT \"o\".\"order_id\", \"c\".\"name\" FROM \"shop\".\"orders\" AS \"o\" LEFT JOIN \"shop\".\"customers\" AS \"c\" ON (\"o\".\"customer_id\" = \"c\".\"customer_id\") WHERE (\"c\".\"name\" IS NULL)",
    columns: ["order_id", "name"],
    rows: ["4 | NULL"],
  },
  {
    sql: "select c.name, o.order_id from orders o right join customers c on o.customer_id = c.customer_id order by c.name, o.order_id",
    duck: "SELECT \"c\".\"name\", \"o\".\"order_id\" FROM \"shop\".\"orders\" AS \"o\" RIGHT JOIN \"shop\".\"customers\" AS \"c\" ON (\"o\".\"customer_id\" = \"c\".\"customer_id\") ORDER BY \"c\".\"name\" ASC NULLS FIRST, \"o\".\"order_id\" ASC NULLS FIRST",
    columns: ["name", "order_id"],
    rows: ["alice | 1", "alice | 2", "bob | 3", "carol | NULL"],
  },
  {
    sql: "select order_id, name from orders join customers using (customer_id) order by order_id",
    duck: "SELECT \"order_id\", \"name\" FROM \"shop\".\"orders\" AS \"orders\" JOIN \"shop\".\"customers\" AS \"customers\" USING (\"customer_id\") ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "name"],
    rows: ["1 | alice", "2 | alice", "3 | bob"],
  },
  {
    sql: "select t.region, t.n from (select region, count(*) n from orders group by region) t where t.n > 1",
    duck: "SELECT \"t\".\"region\", \"t\".\"n\" FROM (SELECT \"region\", count(*) AS \"n\" FROM \"shop\".\"orders\" AS \"orders\" GROUP BY \"region\") AS \"t\" WHERE (\"t\".\"n\" > 1)",
    columns: ["region", "n"],
    rows: ["beijing | 2"],
  },
  {
    sql: "select order_id from orders where customer_id in (select customer_id from customers where age > 25) order by order_id",
    duck: "SELECT \"order_id\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"customer_id\" IN (SELECT \"customer_id\" FROM \"shop\".\"customers\" AS \"customers\" WHERE (\"age\" > 25))) ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id"],
    rows: ["1", "2"],
  },
  {
    sql: "select name from customers c where exists (select 1 from orders o where o.customer_id = c.customer_id) and not exists (select 1 from orders o where o.customer_id = c.customer_id and o.amount > 15)",
    duck: "SELECT \"name\" FROM \"shop\".\"customers\" AS \"c\" WHERE ((EXISTS (SELECT 1 AS \"1\" FROM \"shop\".\"orders\" AS \"o\" WHERE (\"o\".\"customer_id\" = \"c\".\"customer_id\"))) AND (NOT EXISTS (SELECT 1 AS \"1\" FROM \"shop\".\"orders\" AS \"o\" WHERE ((\"o\".\"customer_id\" = \"c\".\"customer_id\") AND (\"o\".\"amount\" > 15)))))",
    columns: ["name"],
    rows: ["bob"],
  },
  {
    sql: "select order_id, (select max(amount) from orders) - amount as gap from orders where amount is not null order by order_id",
    duck: "SELECT \"order_id\", ((SELECT max(\"amount\") AS \"max(amount)\" FROM \"shop\".\"orders\" AS \"orders\") - \"amount\") AS \"gap\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"amount\" IS NOT NULL) ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "gap"],
    rows: ["1 | 9.50", "2 | 0.00", "3 | 14.75"],
  },
  {
    sql: "select region from orders union select name from customers order by 1",
    duck: "SELECT \"region\" FROM \"shop\".\"orders\" AS \"orders\" UNION SELECT \"name\" FROM \"shop\".\"customers\" AS \"customers\" ORDER BY 1 ASC NULLS FIRST",
    columns: ["region"],
    rows: ["NULL", "alice", "beijing", "bob", "carol", "shanghai"],
  },
  {
    sql: "select customer_id from orders union all select customer_id from customers order by customer_id",
    duck: "SELECT \"customer_id\" FROM \"shop\".\"orders\" AS \"orders\" UNION ALL SELECT \"customer_id\" FROM \"shop\".\"customers\" AS \"customers\" ORDER BY \"customer_id\" ASC NULLS FIRST",
    columns: ["customer_id"],
    rows: ["1", "1", "1", "2", "2", "3", "5"],
  },
  {
    sql: "select customer_id from orders intersect select customer_id from customers",
    duck: "SELECT \"customer_id\" FROM \"shop\".\"orders\" AS \"orders\" INTERSECT SELECT \"customer_id\" FROM \"shop\".\"customers\" AS \"customers\"",
    columns: ["customer_id"],
    rows: ["1", "2"],
  },
  {
    sql: "select customer_id from customers except select customer_id from orders",
    duck: "SELECT \"customer_id\" FROM \"shop\".\"customers\" AS \"customers\" EXCEPT SELECT \"customer_id\" FROM \"shop\".\"orders\" AS \"orders\"",
    columns: ["customer_id"],
    rows: ["5"],
  },
  {
    sql: "select order_id, case when amount >= 20 then 'high' when amount >= 10 then 'mid' else 'low' end, case region when 'beijing' then 'BJ' end from orders order by order_id",
    duck: "SELECT \"order_id\", CASE WHEN (\"amount\" >= 20) THEN 'high' WHEN (\"amount\" >= 10) THEN 'mid' ELSE 'low' END AS \"case when amount >= 20 then 'high' when amount >= 10 then 'mid' else 'low' end\", CASE \"region\" WHEN 'beijing' THEN 'BJ' END AS \"case region when 'beijing' then 'BJ' end\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "case when amount >= 20 then 'high' when amount >= 10 then 'mid' else 'low' end", "case region when 'beijing' then 'BJ' end"],
    rows: ["1 | mid | BJ", "2 | high | BJ", "3 | low | NULL", "4 | low | NULL"],
  },
  {
    sql: "select order_id from orders where order_id in (1, 3, 5) or order_id not in (1, 2, 3, 4) order by order_id",
    duck: "SELECT \"order_id\" FROM \"shop\".\"orders\" AS \"orders\" WHERE ((\"order_id\" IN (1, 3, 5)) OR (\"order_id\" NOT IN (1, 2, 3, 4))) ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id"],
    rows: ["1", "3"],
  },
  {
    sql: "select order_id from orders where amount between 5 and 15 and order_id not between 3 and 3",
    duck: "SELECT \"order_id\" FROM \"shop\".\"orders\" AS \"orders\" WHERE ((\"amount\" BETWEEN 5 AND 15) AND (\"order_id\" NOT BETWEEN 3 AND 3))",
    columns: ["order_id"],
    rows: ["1"],
  },
  {
    sql: "select order_id from orders where note like 'x\\%y' or note like 'h%' order by order_id",
    duck: "SELECT \"order_id\" FROM \"shop\".\"orders\" AS \"orders\" WHERE ((\"note\" LIKE 'x\\%y' ESCAPE '\\') OR (\"note\" LIKE 'h%' ESCAPE '\\')) ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id"],
    rows: ["3", "4"],
  },
  {
    sql: "select order_id from orders where note not like '%i%' order by order_id",
    duck: "SELECT \"order_id\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"note\" NOT LIKE '%i%' ESCAPE '\\') ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id"],
    rows: ["3", "4"],
  },
  {
    sql: "select order_id, note is null, region is not null, (amount > 10) is true, (amount > 10) is not false from orders order by order_id",
    duck: "SELECT \"order_id\", (\"note\" IS NULL) AS \"note is null\", (\"region\" IS NOT NULL) AS \"region is not null\", ((\"amount\" > 10) IS NOT DISTINCT FROM TRUE) AS \"(amount > 10) is true\", ((\"amount\" > 10) IS DISTINCT FROM FALSE) AS \"(amount > 10) is not false\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "note is null", "region is not null", "(amount > 10) is true", "(amount > 10) is not false"],
    rows: ["1 | 0 | 1 | 1 | 1", "2 | 1 | 1 | 1 | 1", "3 | 0 | 1 | 0 | 0", "4 | 0 | 0 | 0 | 1"],
  },
  {
    sql: "select region <=> NULL, region = NULL, NULL <=> NULL, 1 <=> 1 from orders where order_id = 4",
    duck: "SELECT (\"region\" IS NOT DISTINCT FROM NULL) AS \"region <=> NULL\", (\"region\" = NULL) AS \"region = NULL\", (NULL IS NOT DISTINCT FROM NULL) AS \"NULL <=> NULL\", (1 IS NOT DISTINCT FROM 1) AS \"1 <=> 1\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 4)",
    columns: ["region <=> NULL", "region = NULL", "NULL <=> NULL", "1 <=> 1"],
    rows: ["1 | NULL | 1 | 1"],
  },
  {
    sql: "select distinct region from orders order by region",
    duck: "SELECT DISTINCT \"region\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"region\" ASC NULLS FIRST",
    columns: ["region"],
    rows: ["NULL", "beijing", "shanghai"],
  },
  {
    sql: "select order_id, row_number() over (partition by customer_id order by amount desc), rank() over (order by customer_id), sum(amount) over (partition by customer_id) from orders order by order_id",
    duck: "SELECT \"order_id\", row_number() OVER (PARTITION BY \"customer_id\" ORDER BY \"amount\" DESC NULLS LAST) AS \"row_number() over (partition by customer_id order by amount desc)\", rank() OVER (ORDER BY \"customer_id\" ASC NULLS FIRST) AS \"rank() over (order by customer_id)\", sum(\"amount\") OVER (PARTITION BY \"customer_id\") AS \"sum(amount) over (partition by customer_id)\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id", "row_number() over (partition by customer_id order by amount desc)", "rank() over (order by customer_id)", "sum(amount) over (partition by customer_id)"],
    rows: ["1 | 2 | 1 | 30.50", "2 | 1 | 1 | 30.50", "3 | 1 | 3 | 5.25", "4 | 1 | 4 | NULL"],
  },
  {
    sql: "select region from orders order by region",
    duck: "SELECT \"region\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"region\" ASC NULLS FIRST",
    columns: ["region"],
    rows: ["NULL", "beijing", "beijing", "shanghai"],
  },
  {
    sql: "select region from orders order by region desc",
    duck: "SELECT \"region\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"region\" DESC NULLS LAST",
    columns: ["region"],
    rows: ["shanghai", "beijing", "beijing", "NULL"],
  },
  {
    sql: "select count(*), sum(amount) total, 1+1, 'lit', upper(max(region)), COUNT( * ) from orders",
    duck: "SELECT count(*) AS \"count(*)\", sum(\"amount\") AS \"total\", (1 + 1) AS \"1+1\", 'lit' AS \"lit\", upper(CAST(max(\"region\") AS VARCHAR)) AS \"upper(max(region))\", count(*) AS \"COUNT( * )\" FROM \"shop\".\"orders\" AS \"orders\"",
    columns: ["count(*)", "total", "1+1", "lit", "upper(max(region))", "COUNT( * )"],
    rows: ["4 | 35.75 | 2 | lit | SHANGHAI | 4"],
  },
  {
    sql: "select date_add(day, interval 1 day), date_sub(created, interval 2 hour), datediff('2024-01-10', day), timestampdiff(hour, created, '2024-01-06 10:11:12'), day + interval 1 month from orders where order_id = 1",
    duck: "SELECT CAST((\"day\" + INTERVAL '1' DAY) AS DATE) AS \"date_add(day, interval 1 day)\", (\"created\" - INTERVAL '2' HOUR) AS \"date_sub(created, interval 2 hour)\", date_diff('day', CAST(\"day\" AS DATE), CAST(TRY_CAST('2024-01-10' AS DATE) AS DATE)) AS \"datediff('2024-01-10', day)\", date_sub('hour', CAST(\"created\" AS TIMESTAMP), CAST(TRY_CAST('2024-01-06 10:11:12' AS TIMESTAMP) AS TIMESTAMP)) AS \"timestampdiff(hour, created, '2024-01-06 10:11:12')\", CAST((\"day\" + INTERVAL '1' MONTH) AS DATE) AS \"day + interval 1 month\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["date_add(day, interval 1 day)", "date_sub(created, interval 2 hour)", "datediff('2024-01-10', day)", "timestampdiff(hour, created, '2024-01-06 10:11:12')", "day + interval 1 month"],
    rows: ["2024-01-06 | 2024-01-05 08:11:12 | 5 | 24 | 2024-02-05"],
  },
  {
    sql: "select adddate('2024-01-31', 1), date_add('2024-01-31', interval 1 month), last_day('2024-02-10'), date_sub('2024-03-01', interval 1 day)",
    duck: "SELECT CAST((TRY_CAST('2024-01-31' AS DATE) + INTERVAL (1) DAY) AS DATE) AS \"adddate('2024-01-31', 1)\", CAST((TRY_CAST('2024-01-31' AS DATE) + INTERVAL '1' MONTH) AS DATE) AS \"date_add('2024-01-31', interval 1 month)\", last_day(TRY_CAST('2024-02-10' AS DATE)) AS \"last_day('2024-02-10')\", CAST((TRY_CAST('2024-03-01' AS DATE) - INTERVAL '1' DAY) AS DATE) AS \"date_sub('2024-03-01', interval 1 day)\"",
    columns: ["adddate('2024-01-31', 1)", "date_add('2024-01-31', interval 1 month)", "last_day('2024-02-10')", "date_sub('2024-03-01', interval 1 day)"],
    rows: ["2024-02-01 | 2024-02-29 | 2024-02-29 | 2024-02-29"],
  },
  {
    sql: "select database(), @@version_comment, @@session.auto_increment_increment, connection_id(), current_user()",
    duck: "SELECT 'shop' AS \"database()\", 'Strata (StarRocks-compatible)' AS \"@@version_comment\", CAST(1 AS BIGINT) AS \"@@session.auto_increment_increment\", CAST(1 AS BIGINT) AS \"connection_id()\", 'root@%' AS \"current_user()\"",
    columns: ["database()", "@@version_comment", "@@session.auto_increment_increment", "connection_id()", "current_user()"],
    rows: ["shop | Strata (StarRocks-compatible) | 1 | 1 | root@%"],
  },
  {
    sql: "with big as (select * from orders where amount > 10) select count(*), max(big.order_id) from big",
    duck: "WITH \"big\" AS (SELECT * FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"amount\" > 10)) SELECT count(*) AS \"count(*)\", max(\"big\".\"order_id\") AS \"max(big.order_id)\" FROM \"big\" AS \"big\"",
    columns: ["count(*)", "max(big.order_id)"],
    rows: ["2 | 2"],
  },
  {
    sql: "select str_to_date('05/01/2024', '%d/%m/%Y'), str_to_date('2024-01-05 10:11:12', '%Y-%m-%d %H:%i:%s'), str_to_date('junk', '%Y')",
    duck: "SELECT CAST(try_strptime('05/01/2024', '%d/%m/%Y') AS DATE) AS \"str_to_date('05/01/2024', '%d/%m/%Y')\", try_strptime('2024-01-05 10:11:12', '%Y-%m-%d %H:%M:%S') AS \"str_to_date('2024-01-05 10:11:12', '%Y-%m-%d %H:%i:%s')\", CAST(try_strptime('junk', '%Y') AS DATE) AS \"str_to_date('junk', '%Y')\"",
    columns: ["str_to_date('05/01/2024', '%d/%m/%Y')", "str_to_date('2024-01-05 10:11:12', '%Y-%m-%d %H:%i:%s')", "str_to_date('junk', '%Y')"],
    rows: ["2024-01-05 | 2024-01-05 10:11:12 | NULL"],
  },
  {
    sql: "select greatest(1, 5, 3), least(2, NULL), greatest('a', 'b'), coalesce(NULL, NULL, 3), nullif(1, 1)",
    duck: "SELECT (CASE WHEN 1 IS NULL OR 5 IS NULL OR 3 IS NULL THEN NULL ELSE greatest(1, 5, 3) END) AS \"greatest(1, 5, 3)\", (CASE WHEN 2 IS NULL OR NULL IS NULL THEN NULL ELSE least(2, NULL) END) AS \"least(2, NULL)\", (CASE WHEN 'a' IS NULL OR 'b' IS NULL THEN NULL ELSE greatest('a', 'b') END) AS \"greatest('a', 'b')\", coalesce(NULL, NULL, 3) AS \"coalesce(NULL, NULL, 3)\", nullif(1, 1) AS \"nullif(1, 1)\"",
    columns: ["greatest(1, 5, 3)", "least(2, NULL)", "greatest('a', 'b')", "coalesce(NULL, NULL, 3)", "nullif(1, 1)"],
    rows: ["5 | NULL | b | 3 | NULL"],
  },
  {
    sql: "select year(created), month(created), day(created), hour(created), minute(created), second(created), dayofweek(created), weekday(created), quarter(created), dayofyear(created) from orders where order_id = 1",
    duck: "SELECT year(\"created\") AS \"year(created)\", month(\"created\") AS \"month(created)\", day(\"created\") AS \"day(created)\", hour(\"created\") AS \"hour(created)\", minute(\"created\") AS \"minute(created)\", second(\"created\") AS \"second(created)\", (dayofweek(\"created\") + 1) AS \"dayofweek(created)\", (isodow(\"created\") - 1) AS \"weekday(created)\", quarter(\"created\") AS \"quarter(created)\", dayofyear(\"created\") AS \"dayofyear(created)\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["year(created)", "month(created)", "day(created)", "hour(created)", "minute(created)", "second(created)", "dayofweek(created)", "weekday(created)", "quarter(created)", "dayofyear(created)"],
    rows: ["2024 | 1 | 5 | 10 | 11 | 12 | 6 | 4 | 1 | 5"],
  },
  {
    sql: "select round(2.567, 2), round(2.5), ceil(1.2), ceiling(-1.2), floor(-1.2), abs(-3), truncate(1.567, 1), pow(2, 10), sqrt(16)",
    duck: "SELECT round(2.567, 2) AS \"round(2.567, 2)\", round(2.5) AS \"round(2.5)\", ceil(1.2) AS \"ceil(1.2)\", ceil((- 1.2)) AS \"ceiling(-1.2)\", floor((- 1.2)) AS \"floor(-1.2)\", abs((- 3)) AS \"abs(-3)\", trunc(1.567, 1) AS \"truncate(1.567, 1)\", pow(2, 10) AS \"pow(2, 10)\", sqrt(16) AS \"sqrt(16)\"",
    columns: ["round(2.567, 2)", "round(2.5)", "ceil(1.2)", "ceiling(-1.2)", "floor(-1.2)", "abs(-3)", "truncate(1.567, 1)", "pow(2, 10)", "sqrt(16)"],
    rows: ["2.57 | 3 | 2 | -1 | -2 | 3 | 1.5 | 1024 | 4"],
  },
  {
    sql: "select 1 from dual",
    duck: "SELECT 1 AS \"1\"",
    columns: ["1"],
    rows: ["1"],
  },
  {
    sql: "select find_in_set('b', 'a,b,c'), find_in_set('z', 'a,b,c'), substring_index('a.b.c', '.', 2), substring_index('a.b.c', '.', -1), repeat('ab', 3), space(2), reverse('abc')",
    duck: "SELECT (CASE WHEN 'b' IS NULL OR 'a,b,c' IS NULL THEN NULL ELSE coalesce(list_position(string_split('a,b,c', ','), 'b'), 0) END) AS \"find_in_set('b', 'a,b,c')\", (CASE WHEN 'z' IS NULL OR 'a,b,c' IS NULL THEN NULL ELSE coalesce(list_position(string_split('a,b,c', ','), 'z'), 0) END) AS \"find_in_set('z', 'a,b,c')\", array_to_string(string_split('a.b.c', '.')[1:2], '.') AS \"substring_index('a.b.c', '.', 2)\", array_to_string(string_split('a.b.c', '.')[-1:], '.') AS \"substring_index('a.b.c', '.', -1)\", repeat('ab', 3) AS \"repeat('ab', 3)\", repeat(' ', 2) AS \"space(2)\", reverse('abc') AS \"reverse('abc')\"",
    columns: ["find_in_set('b', 'a,b,c')", "find_in_set('z', 'a,b,c')", "substring_index('a.b.c', '.', 2)", "substring_index('a.b.c', '.', -1)", "repeat('ab', 3)", "space(2)", "reverse('abc')"],
    rows: ["2 | 0 | a.b | c | ababab |    | cba"],
  },
  {
    sql: "select order_id from orders where note regexp '^h' or region rlike 'hai$' order by order_id",
    duck: "SELECT \"order_id\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (regexp_matches(CAST(\"note\" AS VARCHAR), '^h') OR regexp_matches(CAST(\"region\" AS VARCHAR), 'hai$')) ORDER BY \"order_id\" ASC NULLS FIRST",
    columns: ["order_id"],
    rows: ["3", "4"],
  },
  {
    sql: "select extract(year from created), extract(month from created), extract(day from day) from orders where order_id = 1",
    duck: "SELECT date_part('year', \"created\") AS \"extract(year from created)\", date_part('month', \"created\") AS \"extract(month from created)\", date_part('day', \"day\") AS \"extract(day from day)\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["extract(year from created)", "extract(month from created)", "extract(day from day)"],
    rows: ["2024 | 1 | 5"],
  },
  {
    sql: "select order_id, amount from orders order by amount desc limit 2",
    duck: "SELECT \"order_id\", \"amount\" FROM \"shop\".\"orders\" AS \"orders\" ORDER BY \"amount\" DESC NULLS LAST LIMIT 2",
    columns: ["order_id", "amount"],
    rows: ["2 | 20.00", "1 | 10.50"],
  },
  {
    sql: "select order_id, -amount, amount * 2, amount + 1, amount - 0.5 from orders where order_id = 1",
    duck: "SELECT \"order_id\", (- \"amount\") AS \"-amount\", (\"amount\" * 2) AS \"amount * 2\", (\"amount\" + 1) AS \"amount + 1\", (\"amount\" - 0.5) AS \"amount - 0.5\" FROM \"shop\".\"orders\" AS \"orders\" WHERE (\"order_id\" = 1)",
    columns: ["order_id", "-amount", "amount * 2", "amount + 1", "amount - 0.5"],
    rows: ["1 | -10.50 | 21.00 | 11.50 | 10.00"],
  },
  {
    sql: "select * from customers order by customer_id",
    duck: "SELECT * FROM \"shop\".\"customers\" AS \"customers\" ORDER BY \"customer_id\" ASC NULLS FIRST",
    columns: ["customer_id", "name", "age"],
    rows: ["1 | alice | 30", "2 | bob | NULL", "5 | carol | 41"],
  },
  {
    sql: "values (1, 'a'), (2, 'b')",
    duck: "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(\"column_0\", \"column_1\")",
    columns: ["column_0", "column_1"],
    rows: ["1 | a", "2 | b"],
  },
  {
    sql: "select o.*, c.name from orders o join customers c on c.customer_id = o.customer_id where o.order_id = 3",
    duck: "SELECT \"o\".*, \"c\".\"name\" FROM \"shop\".\"orders\" AS \"o\" JOIN \"shop\".\"customers\" AS \"c\" ON (\"c\".\"customer_id\" = \"o\".\"customer_id\") WHERE (\"o\".\"order_id\" = 3)",
    columns: ["order_id", "customer_id", "amount", "region", "note", "created", "day", "name"],
    rows: ["3 | 2 | 5.25 | shanghai | x%y | 2024-02-01 23:59:59 | 2024-02-01 | bob"],
  },
  {
    sql: "select order_id from orders o where exists (select 1 from customers c where c.customer_id = o.customer_id and c.name like '%o%') order by 1",
    duck: "SELECT \"order_id\" FROM \"shop\".\"orders\" AS \"o\" WHERE (EXISTS (SELECT 1 AS \"1\" FROM \"shop\".\"customers\" AS \"c\" WHERE ((\"c\".\"customer_id\" = \"o\".\"customer_id\") AND (\"c\".\"name\" LIKE '%o%' ESCAPE '\\')))) ORDER BY 1 ASC NULLS FIRST",
    columns: ["order_id"],
    rows: ["3"],
  },
];

describe('MySQL syntax → DuckDB SQL (golden cases, run against DuckDB)', () => {
  let f: FrontFixture;
  before(async () => {
    f = await frontFixture(SETUP);
  });
  after(async () => {
    await f.close();
  });

  test('the golden table is large enough to mean something', () => {
    assert.ok(CASES.length >= 40, `only ${CASES.length} cases`);
    assert.equal(new Set(CASES.map((c) => c.sql)).size, CASES.length, 'every case is different');
  });

  for (const c of CASES) {
    test(c.sql, async () => {
      assert.equal(f.front.translate(c.sql, f.session), c.duck);
      const o = await f.run(c.sql);
      assert.equal(o.kind, 'rows');
      if (o.kind !== 'rows') return;
      assert.deepEqual(
        o.columns.map((x) => x.name),
        c.columns,
      );
      // SQL promises an order only with ORDER BY; otherwise compare the rows as a multiset.
      const ordered = /\border\s+by\b/i.test(c.sql);
      const actual = rowsText(o);
      assert.deepEqual(ordered ? actual : [...actual].sort(), ordered ? c.rows : [...c.rows].sort());
    });
  }
});
