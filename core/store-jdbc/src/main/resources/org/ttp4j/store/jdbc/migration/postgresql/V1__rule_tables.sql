-- ttp4j database store, PostgreSQL. The first two tables are DECNET's (created only if absent). Triggers log
-- every write of any writer (ttp4j, DECNET, a hand-typed statement) into ttp_rule_change and NOTIFY channel
-- ttp4j_rule_change (payload 'kind:rule_id', sent at commit); every state write also lands in the append-only
-- ttp_rule_state_audit. Writers to the two rule tables take one transaction-scoped advisory lock first, so
-- change ids become visible in id order and a worker's watermark (the last id it applied) never skips one.

CREATE TABLE IF NOT EXISTS ttp_rule (
    rule_id      TEXT        NOT NULL PRIMARY KEY,
    rule_version INTEGER     NOT NULL,
    source_path  TEXT        NOT NULL,
    yaml_content TEXT        NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    updated_by   TEXT
);

CREATE TABLE IF NOT EXISTS ttp_rule_state (
    rule_id        TEXT NOT NULL PRIMARY KEY,
    state          TEXT NOT NULL CHECK (state IN ('enabled', 'disabled', 'clipped')),
    confidence_max DOUBLE PRECISION CHECK (confidence_max IS NULL OR (confidence_max >= 0 AND confidence_max <= 1)),
    expires_at     TIMESTAMPTZ,
    reason         TEXT,
    set_by         TEXT,
    set_at         TIMESTAMPTZ
);

CREATE TABLE ttp_rule_state_audit (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id            TEXT NOT NULL,
    old_state          TEXT,
    old_confidence_max DOUBLE PRECISION,
    old_expires_at     TIMESTAMPTZ,
    old_reason         TEXT,
    old_set_by         TEXT,
    old_set_at         TIMESTAMPTZ,
    new_state          TEXT,
    new_confidence_max DOUBLE PRECISION,
    new_expires_at     TIMESTAMPTZ,
    new_reason         TEXT,
    set_by             TEXT,
    set_at             TIMESTAMPTZ
);
CREATE INDEX ttp_rule_state_audit_rule ON ttp_rule_state_audit (rule_id, id);

-- kind: 'rule' (ttp_rule row written or deleted) or 'state' (ttp_rule_state row written or deleted).
CREATE TABLE ttp_rule_change (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id    TEXT        NOT NULL,
    kind       TEXT        NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION ttp4j_serialize_rule_writes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7413052291);
    RETURN NULL;
END $$;

CREATE FUNCTION ttp4j_log_change(p_rule_id TEXT, p_kind TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ttp_rule_change (rule_id, kind) VALUES (p_rule_id, p_kind);
    PERFORM pg_notify('ttp4j_rule_change', p_kind || ':' || p_rule_id);
END $$;

CREATE FUNCTION ttp4j_rule_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM ttp4j_log_change(OLD.rule_id, 'rule');
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.rule_id <> NEW.rule_id THEN
        PERFORM ttp4j_log_change(OLD.rule_id, 'rule');
    END IF;
    PERFORM ttp4j_log_change(NEW.rule_id, 'rule');
    RETURN NEW;
END $$;

CREATE FUNCTION ttp4j_rule_state_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ttp_rule_state_audit (rule_id, new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)
            VALUES (NEW.rule_id, NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at);
        PERFORM ttp4j_log_change(NEW.rule_id, 'state');
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by, old_set_at,
                                          new_state, new_confidence_max, new_expires_at, new_reason, set_by, set_at)
            VALUES (NEW.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by, OLD.set_at,
                    NEW.state, NEW.confidence_max, NEW.expires_at, NEW.reason, NEW.set_by, NEW.set_at);
        IF OLD.rule_id <> NEW.rule_id THEN
            PERFORM ttp4j_log_change(OLD.rule_id, 'state');
        END IF;
        PERFORM ttp4j_log_change(NEW.rule_id, 'state');
        RETURN NEW;
    ELSE
        INSERT INTO ttp_rule_state_audit (rule_id, old_state, old_confidence_max, old_expires_at, old_reason, old_set_by, old_set_at, set_at)
            VALUES (OLD.rule_id, OLD.state, OLD.confidence_max, OLD.expires_at, OLD.reason, OLD.set_by, OLD.set_at, clock_timestamp());
        PERFORM ttp4j_log_change(OLD.rule_id, 'state');
        RETURN OLD;
    END IF;
END $$;

CREATE TRIGGER ttp_rule_serialize BEFORE INSERT OR UPDATE OR DELETE ON ttp_rule
    FOR EACH STATEMENT EXECUTE FUNCTION ttp4j_serialize_rule_writes();
CREATE TRIGGER ttp_rule_state_serialize BEFORE INSERT OR UPDATE OR DELETE ON ttp_rule_state
    FOR EACH STATEMENT EXECUTE FUNCTION ttp4j_serialize_rule_writes();
CREATE TRIGGER ttp_rule_written AFTER INSERT OR UPDATE OR DELETE ON ttp_rule
    FOR EACH ROW EXECUTE FUNCTION ttp4j_rule_written();
CREATE TRIGGER ttp_rule_state_written AFTER INSERT OR UPDATE OR DELETE ON ttp_rule_state
    FOR EACH ROW EXECUTE FUNCTION ttp4j_rule_state_written();
