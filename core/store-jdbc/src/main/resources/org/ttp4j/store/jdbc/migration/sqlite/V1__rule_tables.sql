-- ttp4j database store, SQLite. The first two tables are DECNET's (created only if absent); timestamps are
-- UTC text 'YYYY-MM-DD HH:MM:SS.ffffff', which sorts as time. Triggers log every write of any writer
-- (ttp4j, DECNET, a hand-typed statement) into ttp_rule_change, which workers poll past a watermark, and
-- every state write into the append-only ttp_rule_state_audit.

CREATE TABLE IF NOT EXISTS ttp_rule (
    rule_id      TEXT    NOT NULL PRIMARY KEY,
    rule_version INTEGER NOT NULL,
    source_path  TEXT    NOT NULL,
    yaml_content TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    updated_by   TEXT
);

CREATE TABLE IF NOT EXISTS ttp_rule_state (
    rule_id        TEXT NOT NULL PRIMARY KEY,
    state          TEXT NOT NULL CHECK (state IN ('enabled', 'disabled', 'clipped')),
    confidence_max REAL CHECK (confidence_max IS NULL OR (confidence_max >= 0 AND confidence_max <= 1)),
    expires_at     TEXT,
    reason         TEXT,
    set_by         TEXT,
    set_at         TEXT
);

CREATE TABLE ttp_rule_state_audit (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id            TEXT NOT NULL,
    old_state          TEXT,
    old_confidence_max REAL,
    old_expires_at     TEXT,
    old_reason         TEXT,
    old_set_by         TEXT,
    old_set_at         TEXT,
    new_state          TEXT,
    new_confidence_max REAL,
    new_expires_at     TEXT,
    new_reason         TEXT,
    set_by             TEXT,
    set_at             TEXT
);
CREATE INDEX ttp_rule_state_audit_rule ON ttp_rule_state_audit (rule_id, id);

-- kind: 'rule' (ttp_rule row written or deleted) or 'state' (ttp_rule_state row written or deleted).
-- id is the watermark: SQLite serializes writers, so ids grow in commit order.
CREATE TABLE ttp_rule_change (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

CREATE TRIGGER ttp_rule_inserted AFTER INSERT ON ttp_rule BEGIN
    INSERT INTO ttp_rule_change (rule_id, kind) VALUES (NEW.rule_id, 'rule');
END;
CREATE TRIGGER ttp_rule_updated AFTER UPDATE ON ttp_rule BEGIN
    INSERT INTO ttp_rule_change (rule_id, kind) SELECT OLD.rule_id, 'rule' WHERE OLD.rule_id <> NEW.rule_id;
    INSERT INTO ttp_rule_change (rule_id, kind) VALUES (NEW.rule_id, 'rule');
END;
CREATE TRIGGER ttp_rule_deleted AFTER DELETE ON ttp_rule BEGIN
    INSERT INTO ttp_rule_change (rule_id, kind) VALUES (OLD.rule_id, 'rule');
END;

CREATE TRIGGER ttp_rule_state_inserted AFTER INSERT ON ttp_rule_state BEGIN
    INSERT INTO ttp_rule_state_audit (rule_id, new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)
        VALUES (NEW.rule_id, NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at);
    INSERT INTO ttp_rule_change (rule_id, kind) VALUES (NEW.rule_id, 'state');
END;
CREATE TRIGGER ttp_rule_state_updated AFTER UPDATE ON ttp_rule_state BEGIN
    INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by, old_set_at,
                                      new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)
        VALUES (NEW.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by, OLD.set_at,
                NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at);
    INSERT INTO ttp_rule_change (rule_id, kind) SELECT OLD.rule_id, 'state' WHERE OLD.rule_id <> NEW.rule_id;
    INSERT INTO ttp_rule_change (rule_id, kind) VALUES (NEW.rule_id, 'state');
END;
CREATE TRIGGER ttp_rule_state_deleted AFTER DELETE ON ttp_rule_state BEGIN
    INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by, old_set_at,
                                      set_at)
        VALUES (OLD.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by, OLD.set_at,
                strftime('%Y-%m-%d %H:%M:%f000', 'now'));
    INSERT INTO ttp_rule_change (rule_id, kind) VALUES (OLD.rule_id, 'state');
END;
