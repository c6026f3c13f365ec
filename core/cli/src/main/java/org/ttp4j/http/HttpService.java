package org.ttp4j.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;
import org.ttp4j.rule.RuleIds;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.StateAuditEntry;
import org.ttp4j.store.StoreException;
import org.ttp4j.store.fs.FilesystemRuleStore;

/**
 * The operator's HTTP service (docs/http.md): the rule catalogue and state API (paths and bodies as DECNET's rule
 * API), an ATT&CK Navigator layer, Prometheus metrics, health probes and the console page, on the JDK's
 * {@code jdk.httpserver} with one virtual thread per exchange, so it never takes a core from the tagging loop.
 * It starts before the rules load (probes answer, {@code /health/started} says 503); {@link #attach} makes the
 * API live.
 */
public final class HttpService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpService.class.getName());
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** The largest request body read; a larger one is refused with 413. */
    public static final int MAX_BODY = 16 * 1024;

    private static final String API = "/api/v1/ttp/";
    private static final ApiTokens.Holder OPEN = new ApiTokens.Holder(Role.ADMIN, "api");

    private final HttpServer server;
    private final ExecutorService executor;
    private final ApiTokens tokens;
    private final ServiceMetrics metrics;
    private final String attackRelease;
    private final byte[] console;
    private volatile Live live;

    private record Live(RuleStore store, RuleCatalogue catalogue) {}

    /** A response, or an error that becomes {@code {"error":"..."}}. */
    record Response(int status, String contentType, byte[] body) {}

    static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private HttpService(HttpServer server, ExecutorService executor, ApiTokens tokens, ServiceMetrics metrics,
            String attackRelease) {
        this.server = server;
        this.executor = executor;
        this.tokens = tokens;
        this.metrics = metrics;
        this.attackRelease = attackRelease;
        try (InputStream in = HttpService.class.getResourceAsStream("console.html")) {
            this.console = Objects.requireNonNull(in, "console.html is missing from the module").readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses {@code HOST:PORT} ({@code [::1]:8750} for IPv6; port 0 picks a free one).
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static InetSocketAddress parseBind(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("--http wants HOST:PORT (e.g. 127.0.0.1:8750), got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--http: '" + hostPort.substring(colon + 1) + "' is not a port (0 to 65535)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--http: unknown host '" + host + "'");
        }
    }

    /**
     * Binds {@code bind} and starts serving. Without {@code tokens} (no {@code TTP4J_API_TOKENS_FILE}) every
     * caller is an admin, so that is allowed on a loopback address only.
     *
     * @throws IllegalArgumentException when {@code bind} is not loopback and there are no tokens
     * @throws IOException when the address cannot be bound
     */
    public static HttpService start(InetSocketAddress bind, ApiTokens tokens, ServiceMetrics metrics,
            String attackRelease) throws IOException {
        if (tokens == null && !bind.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing to serve HTTP on " + bind.getAddress().getHostAddress() + ":"
                    + bind.getPort() + " without " + ApiTokens.ENV + ": anyone who reaches it could change rule state;"
                    + " name a tokens file (lines ROLE TOKEN [NAME]) or bind a loopback address such as 127.0.0.1");
        }
        HttpServer server = HttpServer.create(bind, 64);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        HttpService service = new HttpService(server, executor, tokens, metrics, attackRelease);
        server.createContext("/", service::handle);
        server.start();
        return service;
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://HOST:PORT} of the bound address. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The initial load is done: the API serves {@code store} through {@code catalogue}; started and ready flip. */
    public void attach(RuleStore store, RuleCatalogue catalogue) {
        this.live = new Live(store, catalogue);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- dispatch -----------------------------------------------------------------------------------------

    private void handle(HttpExchange x) {
        try (x) {
            Response r;
            try {
                r = route(x);
            } catch (HttpError e) {
                r = error(e.status, e.getMessage());
            } catch (StoreException e) {
                r = error(503, e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, x.getRequestMethod() + " " + x.getRequestURI().getRawPath() + ": " + e, e);
                r = error(500, "internal error: " + e);
            }
            x.getResponseHeaders().set("Content-Type", r.contentType());
            x.getResponseHeaders().set("Cache-Control", "no-store");
            if (r.status() == 401) {
                x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ttp4j\"");
            }
            boolean head = "HEAD".equals(x.getRequestMethod());
            x.sendResponseHeaders(r.status(), head ? -1 : r.body().length == 0 ? -1 : r.body().length);
            if (!head && r.body().length > 0) {
                x.getResponseBody().write(r.body());
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "client went away: " + e);
        }
    }

    private Response route(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getRawPath();
        String method = x.getRequestMethod();
        switch (path) {
            case "/" -> {
                requireMethod(method, "GET");
                return new Response(200, "text/html; charset=utf-8", console);
            }
            case "/metrics" -> {
                requireMethod(method, "GET");
                ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
                metrics.write(out);
                return new Response(200, metrics.contentType(), out.toByteArray());
            }
            case "/health/live" -> {
                requireMethod(method, "GET");
                return status(200, "live");
            }
            case "/health/started" -> {
                requireMethod(method, "GET");
                return live == null ? status(503, "loading") : status(200, "started");
            }
            case "/health/ready" -> {
                requireMethod(method, "GET");
                return ready();
            }
            default -> {
                if (path.startsWith(API)) {
                    return api(x, method, path.substring(API.length()));
                }
                throw new HttpError(404, "no such path: " + path);
            }
        }
    }

    private Response api(HttpExchange x, String method, String rest) throws IOException {
        Live l = live;
        if (l == null) {
            throw new HttpError(503, "the rules are still loading");
        }
        if (rest.equals("rules")) {
            requireMethod(method, "GET");
            authorize(x, Role.VIEWER);
            return json(200, g -> rules(g, l));
        }
        if (rest.equals("navigator")) {
            requireMethod(method, "GET");
            authorize(x, Role.VIEWER);
            return json(200, g -> navigator(g, l));
        }
        String[] parts = rest.split("/", -1);
        if (parts.length < 3 || !parts[0].equals("rules") || !parts[2].equals("state")
                || parts.length > 4 || (parts.length == 4 && !parts[3].equals("history"))) {
            throw new HttpError(404, "no such path: " + API + rest);
        }
        String ruleId = parts[1];
        if (!RuleIds.isValid(ruleId)) {
            throw new HttpError(400, "'" + ruleId + "' is not a rule id ([A-Za-z0-9_]+)");
        }
        if (parts.length == 4) {
            requireMethod(method, "GET");
            authorize(x, Role.VIEWER);
            List<StateAuditEntry> history = l.store().stateHistory(ruleId);
            return json(200, g -> {
                g.writeStartArray();
                for (StateAuditEntry e : history) {
                    g.writeStartObject();
                    g.writeNumberField("id", e.id());
                    g.writeStringField("rule_id", e.ruleId());
                    g.writeFieldName("before");
                    state(g, e.ruleId(), e.before(), false);
                    g.writeFieldName("after");
                    state(g, e.ruleId(), e.after(), false);
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
        }
        switch (method) {
            case "GET" -> {
                authorize(x, Role.VIEWER);
                RuleState s = l.store().getState(ruleId);
                return json(200, g -> state(g, ruleId, s, true));
            }
            case "POST", "DELETE" -> {
                ApiTokens.Holder who = authorize(x, Role.ADMIN);
                RuleState wanted = method.equals("POST") ? StateRequest.parse(body(x), Instant.now()) : RuleState.DEFAULT;
                if (l.catalogue().rule(ruleId) == null) {
                    throw new HttpError(404, "no rule '" + ruleId + "' is loaded (ttp4j state set can still set"
                            + " state for an id with no definition)");
                }
                RuleState stored = l.store().setState(ruleId, wanted, who.name()); // persisted, then live
                return json(200, g -> state(g, ruleId, stored, true));
            }
            default -> throw new HttpError(405, method + " is not allowed here (GET, POST, DELETE)");
        }
    }

    private Response ready() {
        Live l = live;
        if (l == null) {
            return status(503, "loading");
        }
        if (l.store() instanceof FilesystemRuleStore fs) {
            return fs.isWatching() ? status(200, "ready") : status(503, "not watching " + fs.directory());
        }
        try {
            l.store().getState("ttp4j_readiness_probe"); // one round trip to the database
            return status(200, "ready");
        } catch (StoreException e) {
            return status(503, "store unreachable: " + e.getMessage());
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed) && !(method.equals("HEAD") && allowed.equals("GET"))) {
            throw new HttpError(405, method + " is not allowed here (" + allowed + ")");
        }
    }

    /** The caller's holder, if it may act as {@code needed}; else 401 (no or unknown token) or 403. */
    private ApiTokens.Holder authorize(HttpExchange x, Role needed) {
        if (tokens == null) {
            return OPEN;
        }
        String header = x.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpError(401, "a bearer token is required (Authorization: Bearer TOKEN)");
        }
        ApiTokens.Holder holder = tokens.check(header.substring(7).strip());
        if (holder == null) {
            throw new HttpError(401, "unknown token");
        }
        if (!holder.role().covers(needed)) {
            throw new HttpError(403, "the " + holder.role().name().toLowerCase(java.util.Locale.ROOT)
                    + " role may not change state (admin may)");
        }
        return holder;
    }

    private static byte[] body(HttpExchange x) throws IOException {
        String length = x.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > MAX_BODY) {
                    throw new HttpError(413, "the body is larger than " + MAX_BODY + " bytes");
                }
            } catch (NumberFormatException e) {
                throw new HttpError(400, "bad Content-Length");
            }
        }
        byte[] b = x.getRequestBody().readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) {
            throw new HttpError(413, "the body is larger than " + MAX_BODY + " bytes");
        }
        return b;
    }

    // ---- bodies -------------------------------------------------------------------------------------------

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static Response json(int status, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return new Response(status, "application/json", out.toByteArray());
    }

    static Response error(int status, String message) {
        return json(status, g -> {
            g.writeStartObject();
            g.writeStringField("error", message.replace('\n', ' '));
            g.writeEndObject();
        });
    }

    private static Response status(int status, String text) {
        return json(status, g -> {
            g.writeStartObject();
            g.writeStringField("status", text);
            g.writeEndObject();
        });
    }

    /** A state as the API returns it: the fields of the {@code state} change line, with {@code rule_id}. */
    static void state(JsonGenerator g, String ruleId, RuleState s, boolean withId) throws IOException {
        g.writeStartObject();
        if (withId) {
            g.writeStringField("rule_id", ruleId);
        }
        stateFields(g, s);
        g.writeEndObject();
    }

    private static void stateFields(JsonGenerator g, RuleState s) throws IOException {
        g.writeStringField("state", s.mode().wireName());
        if (s.confidenceMax() == null) {
            g.writeNullField("confidence_max");
        } else {
            g.writeNumberField("confidence_max", s.confidenceMax());
        }
        g.writeStringField("expires_at", s.expiresAt() == null ? null : s.expiresAt().toString());
        g.writeStringField("reason", s.reason());
        g.writeStringField("set_by", s.setBy());
        g.writeStringField("set_at", s.setAt() == null ? null : s.setAt().toString());
    }

    private void rules(JsonGenerator g, Live l) throws IOException {
        Instant now = Instant.now();
        TaggingStats stats = metrics.stats();
        g.writeStartArray();
        for (CompiledRule r : l.catalogue().rules()) {
            g.writeStartObject();
            g.writeStringField("rule_id", r.ruleId());
            g.writeNumberField("rule_version", r.ruleVersion());
            g.writeStringField("name", r.name());
            g.writeStringField("description", r.description());
            stateFields(g, r.state().effectiveAt(now));
            g.writeArrayFieldStart("applies_to");
            for (String k : r.appliesTo()) {
                g.writeString(k);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("techniques");
            for (Emit e : r.emits()) {
                g.writeStartObject();
                g.writeStringField("technique_id", e.techniqueId());
                g.writeStringField("sub_technique_id", e.subTechniqueId());
                g.writeStringField("tactic", e.tactic());
                g.writeNumberField("confidence", e.confidence());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeBooleanField("engine_owned", r.engineOwned());
            TaggingStats.RuleFires f = stats.of(r.ruleId());
            g.writeNumberField("fires", f == null ? 0 : f.fires());
            g.writeStringField("last_fired", f == null || f.lastFiredMillis() == 0 ? null
                    : Instant.ofEpochMilli(f.lastFiredMillis()).toString());
            g.writeStringField("source_path", r.sourcePath());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** An ATT&CK Navigator layer (format 4.5) of the techniques the live rules cover, scored by fires. */
    private void navigator(JsonGenerator g, Live l) throws IOException {
        record Cell(String technique, String tactic) {}
        Map<Cell, long[]> scores = new TreeMap<>((a, b) -> a.technique().equals(b.technique())
                ? a.tactic().compareTo(b.tactic()) : a.technique().compareTo(b.technique()));
        Map<Cell, StringBuilder> comments = new java.util.HashMap<>();
        Instant now = Instant.now();
        for (CompiledRule r : l.catalogue().rules()) {
            if (r.state().effectiveAt(now).mode() == RuleState.Mode.DISABLED) {
                continue;
            }
            TaggingStats.RuleFires f = metrics.stats().of(r.ruleId());
            for (Emit e : r.emits()) {
                Cell c = new Cell(e.subTechniqueId() != null ? e.subTechniqueId() : e.techniqueId(), Tactics.shortName(e.tactic()));
                long[] s = scores.computeIfAbsent(c, k -> new long[2]);
                s[0] += f == null ? 0 : f.fires();
                s[1]++;
                StringBuilder b = comments.computeIfAbsent(c, k -> new StringBuilder("rules:"));
                b.append(' ').append(r.ruleId());
            }
        }
        long max = 1;
        for (long[] s : scores.values()) {
            max = Math.max(max, s[0]);
        }
        String attack = attackRelease.startsWith("v") ? attackRelease.substring(1) : attackRelease;
        int dot = attack.indexOf('.');
        g.writeStartObject();
        g.writeStringField("name", "ttp4j live rules");
        g.writeObjectFieldStart("versions");
        g.writeStringField("attack", dot > 0 ? attack.substring(0, dot) : attack);
        g.writeStringField("navigator", "4.9.1");
        g.writeStringField("layer", "4.5");
        g.writeEndObject();
        g.writeStringField("domain", "enterprise-attack");
        g.writeStringField("description", "Techniques covered by the enabled and clipped rules, scored by fires since start");
        g.writeArrayFieldStart("techniques");
        for (Map.Entry<Cell, long[]> e : scores.entrySet()) {
            g.writeStartObject();
            g.writeStringField("techniqueID", e.getKey().technique());
            g.writeStringField("tactic", e.getKey().tactic());
            g.writeNumberField("score", e.getValue()[0]);
            g.writeStringField("comment", comments.get(e.getKey()).toString());
            g.writeBooleanField("enabled", true);
            g.writeArrayFieldStart("metadata");
            g.writeStartObject();
            g.writeStringField("name", "rules");
            g.writeStringField("value", Long.toString(e.getValue()[1]));
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("gradient");
        g.writeArrayFieldStart("colors");
        g.writeString("#ffffff");
        g.writeString("#ff6666");
        g.writeEndArray();
        g.writeNumberField("minValue", 0);
        g.writeNumberField("maxValue", max);
        g.writeEndObject();
        g.writeArrayFieldStart("metadata");
        g.writeStartObject();
        g.writeStringField("name", "ruleset_sha256");
        g.writeStringField("value", l.catalogue().hash());
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }
}
