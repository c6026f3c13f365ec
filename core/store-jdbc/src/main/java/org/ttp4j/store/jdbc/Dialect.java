package org.ttp4j.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

/**
 * The few places where SQLite, PostgreSQL and MariaDB differ for this store: how a JDBC URL is recognised, how an instant
 * is stored, which migration scripts apply and which connection settings a pool needs. Every SQL statement the
 * store runs is shared.
 */
enum Dialect {
    /** A file: UTC text {@code YYYY-MM-DD HH:MM:SS.ffffff} (DECNET's SQLAlchemy spelling), which sorts as time. */
    SQLITE("sqlite") {
        @Override
        void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
            if (at == null) {
                ps.setNull(index, Types.VARCHAR);
            } else {
                ps.setString(index, TEXT.format(at.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC)));
            }
        }

        @Override
        Instant getInstant(ResultSet rs, String column) throws SQLException {
            String s = rs.getString(column);
            return s == null ? null : parseText(s);
        }

        @Override
        void configure(Properties dataSourceProperties) {
            // WAL: readers never block the writer and read a snapshot; the busy timeout queues writers of other
            // processes instead of failing them at once.
            dataSourceProperties.setProperty("journal_mode", "WAL");
            dataSourceProperties.setProperty("busy_timeout", "30000");
        }
    },
    /** A server: {@code timestamptz}. */
    POSTGRESQL("postgresql") {
        @Override
        void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
            if (at == null) {
                ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setObject(index, at.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
            }
        }

        @Override
        Instant getInstant(ResultSet rs, String column) throws SQLException {
            Object o = rs.getObject(column);
            return switch (o) {
                case null -> null;
                case OffsetDateTime t -> t.toInstant();
                case java.sql.Timestamp t -> t.toLocalDateTime().toInstant(ZoneOffset.UTC); // a zone-less column is UTC
                default -> parseText(o.toString());
            };
        }

        @Override
        void configure(Properties dataSourceProperties) {
            dataSourceProperties.setProperty("ApplicationName", "ttp4j");
        }
    },
    /**
     * A MariaDB server (DECNET's server database): {@code DATETIME(6)} holding UTC, utf8mb4 with a binary NO PAD
     * collation. No push: workers poll the change log.
     */
    MARIADB("mariadb") {
        @Override
        void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
            if (at == null) {
                ps.setNull(index, Types.TIMESTAMP);
            } else {
                ps.setObject(index, LocalDateTime.ofInstant(at.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
            }
        }

        @Override
        Instant getInstant(ResultSet rs, String column) throws SQLException {
            Object o = rs.getObject(column);
            return switch (o) {
                case null -> null;
                case LocalDateTime t -> t.toInstant(ZoneOffset.UTC);
                case java.sql.Timestamp t -> t.toLocalDateTime().toInstant(ZoneOffset.UTC); // the column is UTC
                default -> parseText(o.toString());
            };
        }

        @Override
        void configure(Properties dataSourceProperties) {
            // nothing: the server's defaults (REPEATABLE READ, InnoDB) are what the store relies on
        }
    };

    private static final DateTimeFormatter TEXT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss").appendFraction(ChronoField.MICRO_OF_SECOND, 6, 6, true)
            .toFormatter();
    private static final DateTimeFormatter LENIENT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd").optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm:ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private final String urlScheme;

    Dialect(String urlScheme) {
        this.urlScheme = urlScheme;
    }

    /** The dialect of a JDBC URL, or an {@link IllegalArgumentException} naming the ones supported. */
    static Dialect of(String jdbcUrl) {
        for (Dialect d : values()) {
            if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:" + d.urlScheme + ":")) {
                return d;
            }
        }
        if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:mysql:")) {
            throw new IllegalArgumentException("unsupported database URL '" + Credentials.redact(jdbcUrl) + "': for a MariaDB server write"
                    + " jdbc:mariadb://HOST/DB; a MySQL server is not supported yet (docs/stores.md §13)");
        }
        throw new IllegalArgumentException("unsupported database URL '" + Credentials.redact(jdbcUrl)
                + "' (expected jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB or jdbc:mariadb://HOST/DB)");
    }

    /** Whether several processes write at once here (a server), rather than one at a time (a SQLite file). */
    boolean isServer() {
        return this != SQLITE;
    }

    /** Where this dialect's Flyway migrations live, as a resource folder of this module. */
    String migrationFolder() {
        return "org/ttp4j/store/jdbc/migration/" + urlScheme;
    }

    abstract void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException;

    abstract Instant getInstant(ResultSet rs, String column) throws SQLException;

    abstract void configure(Properties dataSourceProperties);

    /** Parses a stored timestamp written by us or by another writer; a zone-less value is UTC (docs/state.md §1). */
    static Instant parseText(String s) {
        var parsed = LENIENT.parseBest(s.trim(), OffsetDateTime::from, LocalDateTime::from);
        return parsed instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
    }
}
