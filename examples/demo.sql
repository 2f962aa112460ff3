-- The seed tutorial's layered pipeline (ODS -> DWD -> DWS) on generated orders and
-- customers with inserts, updates and deletes, double-written into the warehouse
-- tables of demo-warehouse.sql. `strata demo` submits it to its own server.

CREATE DATABASE IF NOT EXISTS `default_catalog`.`flink_cdc`;
USE flink_cdc;

-- Sources: a changelog of orders and customers (the tutorial reads them with mysql-cdc).
CREATE TABLE orders_src (
  `order_id` INT NOT NULL,
  `order_revenue` FLOAT NOT NULL,
  `order_region` STRING NOT NULL,
  `customer_id` INT NOT NULL,
  PRIMARY KEY (`order_id`) NOT ENFORCED
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '50',
  'changelog.update-ratio' = '0.3',
  'changelog.delete-ratio' = '0.1',
  'fields.order_id.min' = '1',
  'fields.order_id.max' = '100000',
  'fields.order_revenue.min' = '1',
  'fields.order_revenue.max' = '100',
  'fields.order_region.length' = '1',
  'fields.customer_id.min' = '1',
  'fields.customer_id.max' = '50'
);

CREATE TABLE customers_src (
  `customer_id` INT NOT NULL,
  `customer_age` FLOAT NOT NULL,
  `customer_name` STRING NOT NULL,
  PRIMARY KEY (`customer_id`) NOT ENFORCED
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '5',
  'changelog.update-ratio' = '0.5',
  'fields.customer_id.min' = '1',
  'fields.customer_id.max' = '50',
  'fields.customer_age.min' = '18',
  'fields.customer_age.max' = '80',
  'fields.customer_name.length' = '8'
);

-- Warehouse tables on this Strata (the StarRocks connector's options, pointing here).
CREATE TABLE ods_orders (
  `order_id` INT, `order_revenue` FLOAT, `order_region` STRING, `customer_id` INT,
  PRIMARY KEY (`order_id`) NOT ENFORCED
) WITH (
  'connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:9030', 'load-url' = '127.0.0.1:8030',
  'database-name' = 'flink_cdc', 'table-name' = 'orders', 'username' = 'root', 'password' = ''
);

CREATE TABLE ods_customers (
  `customer_id` INT, `customer_age` FLOAT, `customer_name` STRING,
  PRIMARY KEY (`customer_id`) NOT ENFORCED
) WITH (
  'connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:9030', 'load-url' = '127.0.0.1:8030',
  'database-name' = 'flink_cdc', 'table-name' = 'customers', 'username' = 'root', 'password' = ''
);

CREATE TABLE dwd_order_customer_valid (
  `order_id` INT, `order_revenue` FLOAT, `order_region` STRING,
  `customer_id` INT, `customer_age` FLOAT, `customer_name` STRING,
  PRIMARY KEY (`order_id`) NOT ENFORCED
) WITH (
  'connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:9030', 'load-url' = '127.0.0.1:8030',
  'database-name' = 'flink_cdc', 'table-name' = 'dwd_order_customer_valid', 'username' = 'root', 'password' = ''
);

CREATE TABLE dws_agg_by_region (
  `order_region` STRING, `order_cnt` BIGINT, `order_total_revenue` FLOAT,
  PRIMARY KEY (`order_region`) NOT ENFORCED
) WITH (
  'connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:9030', 'load-url' = '127.0.0.1:8030',
  'database-name' = 'flink_cdc', 'table-name' = 'dws_agg_by_region', 'username' = 'root', 'password' = ''
);

CREATE VIEW dwd AS
SELECT o.order_id, o.order_revenue, o.order_region, c.customer_id, c.customer_age, c.customer_name
FROM customers_src c JOIN orders_src o ON c.customer_id = o.customer_id
WHERE c.customer_id <> -1;

BEGIN STATEMENT SET;
INSERT INTO ods_orders SELECT * FROM orders_src;
INSERT INTO ods_customers SELECT * FROM customers_src;
INSERT INTO dwd_order_customer_valid SELECT * FROM dwd;
INSERT INTO dws_agg_by_region
SELECT order_region, COUNT(*) AS order_cnt, SUM(order_revenue) AS order_total_revenue
FROM dwd GROUP BY order_region;
END;
