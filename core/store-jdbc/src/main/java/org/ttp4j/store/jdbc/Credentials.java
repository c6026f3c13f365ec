package org.ttp4j.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps database credentials out of what ttp4j prints (docs/stores.md §17): a JDBC URL may carry a password
 * ({@code ?password=}, {@code &sslpassword=}, {@code ;password=}, {@code //user:pass@host}), and every message or log
 * line that may show a URL, or a driver's text quoting part of one, goes through {@link #redact}. Patterns catch a
 * URL's password wherever it appears; the passwords of the configuration in use are also masked verbatim, for the
 * driver messages that quote them out of their URL ({@code UnknownHostException: user:pass@host}).
 */
public final class Credentials {

    /** A {@code password}-like parameter's value: up to the next separator. */
    private static final Pattern PARAMETER =
            Pattern.compile("(?i)([?&;:][^?&;:=\\s\"']*(?:password|passwd|pwd)\\s*=)([^&;\\s\"']*)");
    /** The password of {@code scheme://user:password@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/?#@:\\s\"']*:)([^/?#@\\s\"']*)@");
    /** Shorter secrets are masked by the patterns only: masking "ab" everywhere would garble every message. */
    private static final int MIN_VERBATIM = 4;

    static final String MASK = "***";

    private static final Set<String> hidden = new CopyOnWriteArraySet<>();

    private Credentials() {
    }

    /** {@code text} with every password a JDBC URL in it may carry, and every {@link #hide hidden} one, masked. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String t = PARAMETER.matcher(text).replaceAll("$1" + MASK);
        t = USER_INFO.matcher(t).replaceAll("$1" + MASK + "@");
        for (String secret : hidden) {
            t = t.replace(secret, MASK);
        }
        return t;
    }

    /** {@link #redact(String)}, also masking the passwords of {@code config} (its own, and its URL's) verbatim. */
    public static String redact(String text, DatabaseConfig config) {
        String t = redact(text);
        if (t == null) {
            return null;
        }
        for (String secret : secretsOf(config)) {
            if (secret.length() >= MIN_VERBATIM) {
                t = t.replace(secret, MASK);
            }
        }
        return t;
    }

    /** Masks {@code config}'s passwords verbatim in every later {@link #redact(String)} (the command line's logs). */
    public static void hide(DatabaseConfig config) {
        for (String secret : secretsOf(config)) {
            if (secret.length() >= MIN_VERBATIM) {
                hidden.add(secret);
            }
        }
    }

    private static List<String> secretsOf(DatabaseConfig config) {
        List<String> secrets = new ArrayList<>();
        if (config.password() != null && !config.password().isEmpty()) {
            secrets.add(config.password());
        }
        for (Pattern p : List.of(PARAMETER, USER_INFO)) {
            Matcher m = p.matcher(config.url());
            while (m.find()) {
                if (!m.group(2).isEmpty()) {
                    secrets.add(m.group(2));
                }
            }
        }
        return secrets;
    }
}
