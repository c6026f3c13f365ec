-- ttp4j database store, MariaDB (InnoDB). The first two tables are DECNET's (created only if absent), without
-- CHECK constraints: they accept whatever DECNET writes, and ttp4j validates when it reads and when it writes.
-- Text is utf8mb4 with the binary NO PAD collation, so that 'a', 'a ' and 'A' are three rule ids (the server's
-- default collation is case-insensitive and ignores trailing spaces). Keys are VARCHAR(768): InnoDB's key limit
-- is 3072 bytes, four per utf8mb4 character. Timestamps are DATETIME(6) in UTC.
--
-- Triggers log every write of any writer (ttp4j, DECNET, a hand-typed statement) into ttp_rule_change, which
-- workers poll past a watermark, and every state write into the append-only ttp_rule_state_audit. Each trigger
-- first updates the one row of ttp_rule_write_lock, so writers of the two rule tables are serialized until they
-- commit: change ids then become visible in id order, and a watermark never skips one.

CREATE TABLE IF NOT EXISTS ttp_rule (
    rule_id      VARCHAR(768) NOT NULL PRIMARY KEY,
    rule_version INTEGER      NOT NULL,
    source_path  TEXT         NOT NULL,
    yaml_content MEDIUMTEXT   NOT NULL,
    updated_at   DATETIME(6)  NOT NULL,
    updated_by   TEXT
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS ttp_rule_state (
    rule_id        VARCHAR(768) NOT NULL PRIMARY KEY,
    state          TEXT         NOT NULL,
    confidence_max DOUBLE,
    expires_at     DATETIME(6),
    reason         TEXT,
    set_by         TEXT,
    set_at         DATETIME(6)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE TABLE ttp_rule_state_audit (
    id                 BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    rule_id            VARCHAR(768) NOT NULL,
    old_state          TEXT,
    old_confidence_max DOUBLE,
    old_expires_at     DATETIME(6),
    old_reason         TEXT,
    old_set_by         TEXT,
    old_set_at         DATETIME(6),
    new_state          TEXT,
    new_confidence_max DOUBLE,
    new_expires_at     DATETIME(6),
    new_reason         TEXT,
    set_by             TEXT,
    set_at             DATETIME(6),
    INDEX ttp_rule_state_audit_rule (rule_id(190), id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- kind: 'rule' (ttp_rule row written or deleted) or 'state' (ttp_rule_state row written or deleted).
CREATE TABLE ttp_rule_change (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    rule_id    VARCHAR(768) NOT NULL,
    kind       VARCHAR(8)   NOT NULL,
    changed_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE TABLE ttp_rule_write_lock (
    id INTEGER NOT NULL PRIMARY KEY
) ENGINE = InnoDB;
INSERT INTO ttp_rule_write_lock (id) VALUES (1);

DELIMITER $$

CREATE TRIGGER ttp_rule_inserted AFTER INSERT ON ttp_rule FOR EACH ROW BEGIN
    UPDATE ttp_rule_write_lock SET id = id;
    INSERT INTO ttp_rule_change (rule_id, kind, changed_at) VALUES (NEW.rule_id, 'rule', UTC_TIMESTAMP(6));
END$$

-- An upsert that changes nothing still fires the update trigger here: log only a row that differs.
CREATE TRIGGER ttp_rule_updated AFTER UPDATE ON ttp_rule FOR EACH ROW BEGIN
    IF NOT (OLD.rule_id <=> NEW.rule_id AND OLD.rule_version <=> NEW.rule_version
            AND OLD.source_path <=> NEW.source_path AND OLD.yaml_content <=> NEW.yaml_content
            AND OLD.updated_at <=> NEW.updated_at AND OLD.updated_by <=> NEW.updated_by) THEN
        UPDATE ttp_rule_write_lock SET id = id;
        IF NOT (OLD.rule_id <=> NEW.rule_id) THEN
            INSERT INTO ttp_rule_change (rule_id, kind, changed_at) VALUES (OLD.rule_id, 'rule', UTC_TIMESTAMP(6));
        END IF;
        INSERT INTO ttp_rule_change (rule_id, kind, changed_at) VALUES (NEW.rule_id, 'rule', UTC_TIMESTAMP(6));
    END IF;
END$$

CREATE TRIGGER ttp_rule_deleted AFTER DELETE ON ttp_rule FOR EACH ROW BEGIN
    UPDATE ttp_rule_write_lock SET id = id;
    INSERT INTO ttp_rule_change (rule_id, kind, changed_at) VALUES (OLD.rule_id, 'rule', UTC_TIMESTAMP(6));
END$$

CREATE TRIGGER ttp_rule_state_inserted AFTER INSERT ON ttp_rule_state FOR EACH ROW BEGIN
    UPDATE ttp_rule_write_lock SET id = id;
    INSERT INTO ttp_rule_state_audit (rule_id, new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)
        VALUES (NEW.rule_id, NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at);
    INSERT INTO ttp_rule_change (rule_id, kind, changed_at) VALUES (NEW.rule_id, 'state', UTC_TIMESTAMP(6));
END$$

CREATE TRIGGER ttp_rule_state_updated AFTER UPDATE ON ttp_rule_state FOR EACH ROW BEGIN
    UPDATE ttp_rule_write_lock SET id = id;
    INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by, old_set_at,
                                      new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)
        VALUES (NEW.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by, OLD.set_at,
                NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at);
    IF NOT (OLD.rule_id <=> NEW.rule_id) THEN
        INSERT INTO ttp_rule_change (rule_id, kind, changed_at) VALUES (OLD.rule_id, 'state', UTC_TIMESTAMP(6));
    END IF;
    INSERT INTO ttp_rule_change (rule_id, kind, changed_at) VALUES (NEW.rule_id, 'state', UTC_TIMESTAMP(6));
END$$

CREATE TRIGGER ttp_rule_state_deleted AFTER DELETE ON ttp_rule_state FOR EACH ROW BEGIN
    UPDATE ttp_rule_write_lock SET id = id;
    INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by, old_set_at,
                                      set_at)
        VALUES (OLD.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by, OLD.set_at,
                UTC_TIMESTAMP(6));
    INSERT INTO ttp_rule_change (rule_id, kind, changed_at) VALUES (OLD.rule_id, 'state', UTC_TIMESTAMP(6));
END$$

DELIMITER ;
