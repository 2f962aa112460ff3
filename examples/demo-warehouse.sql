-- Step 3 of the seed tutorial: the warehouse tables, in the StarRocks dialect.
-- `strata demo` runs this on the MySQL port before it submits demo.sql.
CREATE DATABASE IF NOT EXISTS `flink_cdc`;

CREATE TABLE IF NOT EXISTS `flink_cdc`.`customers` (
  `customer_id` INT NOT NULL COMMENT "",
  `customer_age` FLOAT NOT NULL COMMENT "",
  `customer_name` STRING NOT NULL COMMENT ""
) ENGINE=olap
PRIMARY KEY(`customer_id`)
COMMENT ""
DISTRIBUTED BY HASH(`customer_id`) BUCKETS 1
PROPERTIES ( "replication_num" = "1" );

CREATE TABLE IF NOT EXISTS `flink_cdc`.`orders` (
  `order_id` INT NOT NULL COMMENT "",
  `order_revenue` FLOAT NOT NULL COMMENT "",
  `order_region` STRING NOT NULL COMMENT "",
  `customer_id` INT NOT NULL COMMENT ""
) ENGINE=olap
PRIMARY KEY(`order_id`)
COMMENT ""
DISTRIBUTED BY HASH(`order_id`) BUCKETS 1
PROPERTIES ( "replication_num" = "1" );

CREATE TABLE IF NOT EXISTS `flink_cdc`.`dwd_order_customer_valid` (
  `order_id` INT NOT NULL COMMENT "",
  `order_revenue` FLOAT NOT NULL COMMENT "",
  `order_region` STRING NOT NULL COMMENT "",
  `customer_id` INT NOT NULL COMMENT "",
  `customer_age` FLOAT NOT NULL COMMENT "",
  `customer_name` STRING NOT NULL COMMENT ""
) ENGINE=olap
PRIMARY KEY(`order_id`)
COMMENT ""
DISTRIBUTED BY HASH(`order_id`) BUCKETS 1
PROPERTIES ( "replication_num" = "1" );

CREATE TABLE IF NOT EXISTS `flink_cdc`.`dws_agg_by_region` (
  `order_region` STRING NOT NULL COMMENT "",
  `order_cnt` INT NOT NULL COMMENT "",
  `order_total_revenue` INT NOT NULL COMMENT ""
) ENGINE=olap
PRIMARY KEY(`order_region`)
COMMENT ""
DISTRIBUTED BY HASH(`order_region`) BUCKETS 1
PROPERTIES ( "replication_num" = "1" );
