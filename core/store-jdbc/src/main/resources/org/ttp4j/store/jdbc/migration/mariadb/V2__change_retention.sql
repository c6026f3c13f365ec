-- ttp4j database store, MariaDB, version 2: the change log is pruned. Every store deletes the ttp_rule_change
-- entries older than its retention (never the newest: its id is the watermark a new store starts from) and
-- records here the largest id it deleted. A store whose watermark is below it may have missed entries, so it
-- reads the rule tables in full instead of the log.

CREATE TABLE ttp_rule_change_pruned (
    through_id BIGINT NOT NULL
) ENGINE = InnoDB;
INSERT INTO ttp_rule_change_pruned (through_id) VALUES (0);
