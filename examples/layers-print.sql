-- The seed tutorial's layered pipeline (ODS -> DWD -> DWS) on generated data.
-- Runs locally, without a server: `npx strata run examples/layers-print.sql`.

CREATE DATABASE IF NOT EXISTS `default_catalog`.`flink_cdc`;
USE flink_cdc;

-- Sources: generated orders and customers (the tutorial reads them with mysql-cdc).
CREATE TABLE orders_src (
  `order_id` INT NOT NULL,
  `order_revenue` FLOAT NOT NULL,
  `order_region` STRING NOT NULL,
  `customer_id` INT NOT NULL,
  PRIMARY KEY (`order_id`) NOT ENFORCED
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '2000',
  'number-of-rows' = '10000',
  'seed' = '42',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '10000',
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
  'number-of-rows' = '50',
  'seed' = '7',
  'fields.customer_id.kind' = 'sequence',
  'fields.customer_id.start' = '1',
  'fields.customer_id.end' = '50',
  'fields.customer_age.min' = '18',
  'fields.customer_age.max' = '80',
  'fields.customer_name.length' = '8'
);

-- The DWS layer, printed as a changelog.
CREATE TABLE dws_agg_by_region (
  `order_region` STRING,
  `order_cnt` BIGINT,
  `order_total_revenue` FLOAT,
  PRIMARY KEY (order_region) NOT ENFORCED
) WITH ('connector' = 'print', 'print-identifier' = 'dws');

CREATE TABLE dwd_count (n BIGINT) WITH ('connector' = 'blackhole');

CREATE VIEW dwd_order_customer_valid AS
SELECT o.order_id, o.order_revenue, o.order_region, c.customer_id, c.customer_age, c.customer_name
FROM customers_src c JOIN orders_src o ON c.customer_id = o.customer_id
WHERE c.customer_id <> -1;

BEGIN STATEMENT SET;
INSERT INTO dws_agg_by_region
SELECT order_region, COUNT(*) AS order_cnt, SUM(order_revenue) AS order_total_revenue
FROM dwd_order_customer_valid
GROUP BY order_region;
INSERT INTO dwd_count SELECT COUNT(*) FROM dwd_order_customer_valid;
END;
